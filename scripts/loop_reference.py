#!/usr/bin/env python3
"""PyTorch eager reference for `bin/dqn bench train --reference`: the whole DQN training loop, single file.

The usual single-file PyTorch DQN (the CleanRL dqn_atari.py kind), with the settings of a trial config:

  env     gym.make("ALE/<Game>-v5", frameskip=1, repeat_action_probability, full_action_space=False,
          max_num_frames_per_episode), then gymnasium's AtariPreprocessing(noop_max, frame_skip, screen_size,
          grayscale, terminal_on_life_loss, max-pool of the last two frames), FIRE on reset (baselines'
          FireResetEnv: FIRE, then action 2) for games whose action 1 is FIRE, sign reward clipping,
          FrameStackObservation(frame_stack)
  replay  uint8 numpy arrays obs and next_obs of shape [capacity, stack, 84, 84] (stacked observations, each
          transition stored whole, like CleanRL / SB3's ReplayBuffer with optimize_memory_usage=False), allocated
          with np.zeros (pages are committed as they are written); uniform sampling over what is stored
  acting  epsilon-greedy (linear or exponential schedule over agent steps); a torch forward on greedy steps only
  update  once learning starts, one Adam step (lr, eps) of batch B every train_every agent steps: target forward
          without gradient (max, or Double DQN's online argmax), MSE or Huber loss, optional gradient clipping;
          hard target sync every K updates
  network nature_cnn (conv 32 8x8/4, 64 4x4/2, 64 3x3/1, dense 512) or nips_cnn (conv 16 8x8/4, 32 4x4/2,
          dense 256), optionally with a dueling head; uint8 input scaled by 1/255 inside the forward

It runs learn_start + warm_up agent steps untimed, then times `steps` agent steps and prints
reference_agent_steps_per_s=<value>; with --serve it times stretches on request instead, so that the Java bench can
alternate them with its own segments. Step counting and the update cadence are the Java trainer's: an update
follows agent step t (1-based) when t >= learn_start and t % train_every == 0.

Replay memory: if capacity x 2 x stack x 84 x 84 bytes exceed MemAvailable, the capacity is capped at the
transitions this run stores (learn_start + warm_up + steps: the buffer never wraps, so what is sampled is the same);
if even that does not fit, it prints why and reference_agent_steps_per_s=nan.

Differences from our chain that the settings cannot express: AtariPreprocessing always max-pools (env.max_pool
false is not mirrored) and its terminal_on_life_loss resets the whole game after a lost life (baselines'
EpisodicLifeEnv, which ours follows, plays on); neither matters for Pong, which has no lives.

Needs torch==2.7.1 (the libtorch DJL's natives are built from); bin/dqn installs it into .venv on first use.
"""
import argparse
import contextlib
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import ale_py
import gymnasium as gym
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation, TransformReward

gym.register_envs(ale_py)


class QNet(nn.Module):
    """nature_cnn or nips_cnn, plain or dueling head; uint8 in, scaled to [0, 1] inside."""

    def __init__(self, network: str, stack: int, actions: int, dueling: bool):
        super().__init__()
        if network == "nature_cnn":
            self.body = nn.Sequential(
                nn.Conv2d(stack, 32, 8, stride=4), nn.ReLU(),
                nn.Conv2d(32, 64, 4, stride=2), nn.ReLU(),
                nn.Conv2d(64, 64, 3, stride=1), nn.ReLU(),
                nn.Flatten())
            features, hidden = 3136, 512
        else:
            self.body = nn.Sequential(
                nn.Conv2d(stack, 16, 8, stride=4), nn.ReLU(),
                nn.Conv2d(16, 32, 4, stride=2), nn.ReLU(),
                nn.Flatten())
            features, hidden = 2592, 256

        def stream(outputs: int) -> nn.Module:
            return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, outputs))

        self.dueling = dueling
        self.head = stream(actions)
        self.value = stream(1) if dueling else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x.float() / 255.0)
        a = self.head(h)
        if not self.dueling:
            return a
        return self.value(h) + a - a.mean(1, keepdim=True)


class FireReset(gym.Wrapper):
    """baselines' FireResetEnv: FIRE, then action 2, after each reset."""

    def reset(self, **kwargs):
        self.env.reset(**kwargs)
        obs, _, term, trunc, info = self.env.step(1)
        if term or trunc:
            self.env.reset(**kwargs)
        obs, _, term, trunc, info = self.env.step(2)
        if term or trunc:
            obs, info = self.env.reset(**kwargs)
        return obs, info


def env_id(game: str) -> str:
    return "ALE/" + "".join(p.capitalize() for p in game.split("_")) + "-v5"


def make_env(a):
    game = a.game
    if a.rom:  # the ROM our side resolved (Roms.find): ale-py loads <ALE_ROMS_DIR>/<game>.bin
        rom = Path(a.rom)
        os.environ["ALE_ROMS_DIR"] = str(rom.parent)
        game = rom.stem
    with contextlib.redirect_stdout(sys.stderr):  # ale-py prints where it loads ROMs from
        inner = gym.make(env_id(game), frameskip=1, repeat_action_probability=a.repeat_action_probability,
                         full_action_space=False, max_num_frames_per_episode=a.max_episode_frames)
        env = AtariPreprocessing(inner, noop_max=a.noop_max, frame_skip=a.frame_skip, screen_size=a.screen_size,
                                 grayscale_obs=True, terminal_on_life_loss=a.episodic_life, scale_obs=False)
    meanings = env.unwrapped.get_action_meanings()
    if a.fire_reset and len(meanings) >= 3 and meanings[1] == "FIRE":
        env = FireReset(env)
    if a.clip_rewards:
        env = TransformReward(env, lambda r: float(np.sign(r)))
    return FrameStackObservation(env, a.frame_stack)


def mem_available() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 1 << 62


def epsilon_at(a, t: int) -> float:
    if a.eps_schedule == "exponential":
        return a.eps_end + (a.eps_start - a.eps_end) * np.exp(-t / a.eps_decay)
    return a.eps_start + (a.eps_end - a.eps_start) * min(1.0, t / a.eps_decay)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--game", default="pong", help="ALE game, snake_case (used when --rom is not given)")
    p.add_argument("--rom", help="the game's .bin; its folder becomes ALE_ROMS_DIR")
    p.add_argument("--noop-max", type=int, default=30)
    p.add_argument("--frame-skip", type=int, default=4)
    p.add_argument("--screen-size", type=int, default=84)
    p.add_argument("--episodic-life", type=int, choices=[0, 1], default=1)
    p.add_argument("--fire-reset", type=int, choices=[0, 1], default=1)
    p.add_argument("--clip-rewards", type=int, choices=[0, 1], default=1)
    p.add_argument("--frame-stack", type=int, default=4)
    p.add_argument("--max-episode-frames", type=int, default=400000)
    p.add_argument("--repeat-action-probability", type=float, default=0.0)
    p.add_argument("--network", choices=["nature_cnn", "nips_cnn"], default="nature_cnn")
    p.add_argument("--dueling", type=int, choices=[0, 1], default=0)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--adam-eps", type=float, default=1e-8)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--loss", choices=["huber", "mse"], default="huber")
    p.add_argument("--huber-delta", type=float, default=1.0)
    p.add_argument("--double-dqn", type=int, choices=[0, 1], default=0)
    p.add_argument("--grad-clip", choices=["none", "value", "norm"], default="none")
    p.add_argument("--grad-clip-value", type=float, default=1.0)
    p.add_argument("--train-every", type=int, default=1)
    p.add_argument("--target-sync", type=int, default=1000, help="updates between target syncs")
    p.add_argument("--capacity", type=int, default=100000, help="replay capacity, transitions")
    p.add_argument("--learn-start", type=int, default=10000)
    p.add_argument("--eps-schedule", choices=["linear", "exponential"], default="exponential")
    p.add_argument("--eps-start", type=float, default=1.0)
    p.add_argument("--eps-end", type=float, default=0.01)
    p.add_argument("--eps-decay", type=float, default=30000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--warm-up-steps", type=int, default=1000, help="agent steps with learning before the timed ones")
    p.add_argument("--steps", type=int, default=3000, help="timed agent steps")
    p.add_argument("--serve", action="store_true",
                   help="after the untimed steps print 'ready', then answer stdin lines 'run N' (time N more agent "
                        "steps: agent_steps_per_s=) and 'update' (their updates: train_step_ms=)")
    a = p.parse_args()

    out = sys.stdout
    if a.serve:  # the protocol owns stdout: what ALE's C++ side prints goes to stderr
        out = os.fdopen(os.dup(1), "w", buffering=1)
        os.dup2(2, 1)
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    rng = np.random.default_rng(a.seed)

    total = a.learn_start + a.warm_up_steps + a.steps
    shape = (a.frame_stack, a.screen_size, a.screen_size)
    per_transition = 2 * int(np.prod(shape))
    capacity = a.capacity
    available = mem_available()
    if capacity * per_transition > available:
        need = min(capacity, total)
        if need * per_transition > available:
            print(f"# reference: a replay of {need:,} stacked transitions ({per_transition:,} bytes each, "
                  f"{need * per_transition / 1e9:.1f} GB) does not fit the {available / 1e9:.1f} GB available; "
                  f"not run", file=out, flush=True)
            if not a.serve:
                print("reference_agent_steps_per_s=nan")
                return
            print("ready", file=out, flush=True)
            for line in sys.stdin:
                name = "agent_steps_per_s" if line.split()[0] == "run" else "train_step_ms"
                print(f"{name}=nan", file=out, flush=True)
            return
        print(f"# reference: replay capacity {capacity:,} x {per_transition:,} bytes = "
              f"{capacity * per_transition / 1e9:.1f} GB exceeds the {available / 1e9:.1f} GB available; capped at "
              f"{need:,}, the transitions this run stores (the buffer never wraps, so sampling is unchanged)",
              file=out, flush=True)
        capacity = need
    obs_buf = np.zeros((capacity,) + shape, dtype=np.uint8)
    next_buf = np.zeros((capacity,) + shape, dtype=np.uint8)
    act_buf = np.zeros(capacity, dtype=np.int64)
    rew_buf = np.zeros(capacity, dtype=np.float32)
    done_buf = np.zeros(capacity, dtype=np.float32)
    pos, size = 0, 0

    env = make_env(a)
    n_actions = int(env.action_space.n)
    env.action_space.seed(a.seed)
    online = QNet(a.network, a.frame_stack, n_actions, bool(a.dueling)).to(device)
    target = QNet(a.network, a.frame_stack, n_actions, bool(a.dueling)).to(device)
    target.load_state_dict(online.state_dict())
    opt = torch.optim.Adam(online.parameters(), lr=a.lr, eps=a.adam_eps)
    updates = 0

    def update() -> None:
        idx = rng.integers(0, size, a.batch)
        s = torch.from_numpy(obs_buf[idx]).to(device)
        s2 = torch.from_numpy(next_buf[idx]).to(device)
        act = torch.from_numpy(act_buf[idx]).to(device)
        rew = torch.from_numpy(rew_buf[idx]).to(device)
        done = torch.from_numpy(done_buf[idx]).to(device)
        with torch.no_grad():
            next_q = target(s2)
            if a.double_dqn:
                best = next_q.gather(1, online(s2).argmax(1, keepdim=True)).squeeze(1)
            else:
                best = next_q.max(1).values
            y = rew + a.gamma * best * (1 - done)
        q = online(s).gather(1, act.unsqueeze(1)).squeeze(1)
        loss = F.huber_loss(q, y, delta=a.huber_delta) if a.loss == "huber" else F.mse_loss(q, y)
        opt.zero_grad()
        loss.backward()
        if a.grad_clip == "value":
            nn.utils.clip_grad_value_(online.parameters(), a.grad_clip_value)
        elif a.grad_clip == "norm":
            nn.utils.clip_grad_norm_(online.parameters(), a.grad_clip_value)
        opt.step()

    t = 0  # the next agent step (0-based) to act on
    obs, _ = env.reset(seed=a.seed)

    def run(n: int) -> tuple[float, float, int]:
        """Runs agent steps t .. t+n-1, each preceded by the update the Java trainer runs after the transition
        before it; returns the seconds taken, those spent in updates, and the updates run."""
        nonlocal t, obs, pos, size, updates
        update_seconds, n_updates = 0.0, 0
        t0 = time.perf_counter()
        for _ in range(n):
            if t >= a.learn_start and t > 0 and t % a.train_every == 0:
                u0 = time.perf_counter()
                update()
                update_seconds += time.perf_counter() - u0
                n_updates += 1
                updates += 1
                if updates % a.target_sync == 0:
                    target.load_state_dict(online.state_dict())
            if rng.random() < epsilon_at(a, t):
                action = int(rng.integers(n_actions))
            else:
                with torch.no_grad():
                    q = online(torch.from_numpy(np.asarray(obs)).unsqueeze(0).to(device))
                    action = int(q.argmax(1).item())
            next_obs, reward, terminated, truncated, _ = env.step(action)
            obs_buf[pos] = obs
            next_buf[pos] = next_obs
            act_buf[pos] = action
            rew_buf[pos] = reward
            done_buf[pos] = float(terminated)
            pos = (pos + 1) % capacity
            size = min(size + 1, capacity)
            obs = next_obs
            if terminated or truncated:
                obs, _ = env.reset()
            t += 1
        return time.perf_counter() - t0, update_seconds, n_updates

    # The Java bench's clock runs from the transition of its first timed step's predecessor to that of the last
    # timed step, so the update between them is timed and the one after the last is not.
    run(a.learn_start + a.warm_up_steps)
    print(f"# reference: {a.learn_start + a.warm_up_steps} untimed agent steps, replay capacity {capacity:,}, "
          f"{n_actions} actions, {a.threads} thread(s) on {device}", file=out, flush=True)
    if a.serve:
        # Timed stretches on request, alternating with the Java loop's segments in one warm process.
        print("ready", file=out, flush=True)
        last = (float("nan"), 0.0, 0)
        for line in sys.stdin:
            what, *n = line.split()
            if what == "run":
                last = run(int(n[0]))
                print(f"agent_steps_per_s={int(n[0]) / last[0]:.4f}", file=out, flush=True)
            else:  # "update": the updates of the last stretch
                ms = 1000 * last[1] / last[2] if last[2] else float("nan")
                print(f"train_step_ms={ms:.4f}", file=out, flush=True)
        env.close()
        return
    seconds, update_seconds, timed_updates = run(a.steps)
    env.close()
    print(f"reference_agent_steps_per_s={a.steps / seconds:.2f}")
    if timed_updates:
        print(f"reference_train_step_ms={1000 * update_seconds / timed_updates:.3f}")


if __name__ == "__main__":
    main()
