#!/usr/bin/env python3
"""PyTorch eager reference for `bin/dqn bench learner --reference`: the same DQN train step as the Java learner.

One step: uint8 [32, stack, 84, 84] states and next states scaled to [0, 1], Nature CNN online forward, target
forward without gradient, Q(s, a) gathered, target r + gamma * max Q_target(s') * (1 - done), Huber loss
(delta 1), backward, Adam (lr 1e-4). --network nips_cnn times the Mnih et al. 2013 network instead. Prints train_step_ms and act_ms lines (name=value); with --serve it stays up
and times as many steps as each stdin line asks, so the Java bench can alternate with it round by round.

Needs torch==2.7.1 (the libtorch DJL's natives are built from); bin/dqn installs it into .venv on first use.
"""
import argparse
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def nature_cnn(stack: int, actions: int) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(stack, 32, 8, stride=4), nn.ReLU(),
        nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
        nn.Conv2d(64, 64, 3, stride=1), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3136, 512), nn.ReLU(),
        nn.Linear(512, actions))


def nips_cnn(stack: int, actions: int) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(stack, 16, 8, stride=4), nn.ReLU(),
        nn.Conv2d(16, 32, 4, stride=2), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(2592, 256), nn.ReLU(),
        nn.Linear(256, actions))


NETWORKS = {"nature_cnn": nature_cnn, "nips_cnn": nips_cnn}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--network", choices=sorted(NETWORKS), default="nature_cnn")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--stack", type=int, default=4)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--acts", type=int, default=1000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--serve", action="store_true",
                   help="after warm-up print 'ready', then answer stdin lines 'train N' / 'act N' with timings"
                        " and 'profile N TRACE' with a profiled series' wall time")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = NETWORKS[a.network]
    online, target = net(a.stack, 6), net(a.stack, 6)
    target.load_state_dict(online.state_dict())
    opt = torch.optim.Adam(online.parameters(), lr=1e-4)
    g = torch.Generator().manual_seed(1)
    s = torch.randint(0, 256, (a.batch, a.stack, 84, 84), dtype=torch.uint8, generator=g)
    s2 = torch.randint(0, 256, (a.batch, a.stack, 84, 84), dtype=torch.uint8, generator=g)
    act = torch.randint(0, 6, (a.batch,), generator=g)
    rew = torch.randint(-1, 2, (a.batch,), generator=g).float()
    done = (torch.rand(a.batch, generator=g) < 0.1).float()

    def step() -> None:
        with torch.no_grad():
            y = rew + 0.99 * target(s2.float() / 255.0).max(1).values * (1 - done)
        q = online(s.float() / 255.0).gather(1, act.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y)  # Huber, delta 1
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    one = s[:1]

    def time_train(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        return (time.perf_counter() - t0) * 1000 / n

    def time_act(n: int) -> float:
        with torch.no_grad():
            t0 = time.perf_counter()
            for _ in range(n):
                online(one.float() / 255.0).argmax(1).item()
        return (time.perf_counter() - t0) * 1000 / n

    time_train(max(50, a.steps // 10))
    time_act(50)
    if not a.serve:
        print(f"train_step_ms={time_train(a.steps):.3f}")
        print(f"act_ms={time_act(a.acts):.4f}")
        return
    # Serve mode: the caller alternates its own timing with ours, round by round, in one warm process.
    print("ready", flush=True)
    for line in sys.stdin:
        what, n, *path = line.split(maxsplit=2)
        if what == "profile":  # 'profile N TRACE': N train steps under the profiler, Chrome trace to TRACE
            with torch.autograd.profiler.profile() as prof:
                wall_ms = time_train(int(n)) * int(n)
            prof.export_chrome_trace(path[0].strip())
            print(f"profile_wall_ms={wall_ms:.3f}", flush=True)
            continue
        value = time_train(int(n)) if what == "train" else time_act(int(n))
        print(f"{what}_{'step_' if what == 'train' else ''}ms={value:.4f}", flush=True)


if __name__ == "__main__":
    main()
