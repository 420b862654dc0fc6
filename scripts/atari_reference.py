#!/usr/bin/env python3
"""Reference Atari (ALE + gymnasium AtariPreprocessing) fixture generator and benchmark.

Pinned setup: see requirements.txt next to this file
(ale-py 0.12.1, gymnasium 1.4.0, numpy 2.4.6, opencv-python-headless 4.14.0.94).

Environment used by every sub-command (identical construction):

    inner = gym.make("ALE/<Game>-v5", frameskip=1, repeat_action_probability=0.0,
                     full_action_space=False, max_num_frames_per_episode=400000)
    env = AtariPreprocessing(inner, noop_max=30, frame_skip=4, screen_size=84,
                             grayscale_obs=True, terminal_on_life_loss=False,
                             scale_obs=False)

Seeding: the FIRST reset is env.reset(seed=S); every later reset (after
terminated or truncated) is env.reset() without a seed, so the noop RNG
(env.unwrapped.np_random) continues its stream and ALE is NOT reloaded.
Noops per reset are drawn as np_random.integers(1, noop_max + 1), i.e. 1..30
(never 0), and recovered here from ale.getEpisodeFrameNumber() right after
the reset (episode frame number is 0 after ale.reset_game(); each noop adds 1).

Sub-commands
------------
  fixture --rom-game pong --seed S --steps N (--action-seed A | --actions-file F) --out FILE
  bench   --rom-game pong --seed S --steps N [--action-seed A]
      prints: reference_agent_steps_per_s=VALUE
  ale-bench --rom-game pong --seed S --frames N [--action-seed A]
      bare ale_py.ALEInterface act() loop; prints: ale_frames_per_s=VALUE

Actions: with --action-seed A, the action for agent step i (i = 0..N-1,
counted globally across episodes) is the i-th draw of
numpy.random.default_rng(A).integers(0, n_actions), drawn one at a time.
With --actions-file F, F is a text file of whitespace-separated integers in
[0, n_actions); the first N are used.

FIXTURE FILE FORMAT (whole file is gzip-compressed; payload little-endian)
--------------------------------------------------------------------------
Header:
  bytes[8]  magic            = b"ATARIREF"
  u32       version          = 1
  u32       game_len; bytes[game_len] game (utf-8, e.g. "pong")
  i64       seed             (S passed to the first env.reset(seed=S))
  i64       action_seed      (A, or -1 if actions came from a file)
  u32       n_steps          (N, number of agent steps = number of 'S' records)
  u32       n_actions        (size of the minimal action set, Pong: 6)
  u32       noop_max         (30)
  u32       frame_skip       (4)
  u32       max_num_frames_per_episode (400000)
  f32       repeat_action_probability  (0.0)
  u16       obs_h (84); u16 obs_w (84)
  u8        action_set_len; u8[action_set_len] ALE action ids of the minimal
            action set (index = agent action; Pong: 0,1,3,4,11,12 = NOOP,FIRE,
            RIGHT,LEFT,RIGHTFIRE,LEFTFIRE)
Records (a stream; first record is always 'R'; an 'R' follows every 'S'
record with terminated|truncated != 0 unless it was the last step):
  'R' reset record:
    u8   tag   = 0x52 ('R')
    u8   noops (number of NOOP frames the wrapper executed after ale.reset_game())
    u32  episode_frame_number after the reset (== noops)
    u8[obs_h*obs_w] observation returned by reset (row-major)
  'S' step record:
    u8   tag   = 0x53 ('S')
    u8   action (agent action index, 0..n_actions-1)
    f32  reward (sum over the up-to-4 skipped frames)
    u8   terminated
    u8   truncated
    u32  episode_frame_number after the step
    u8[obs_h*obs_w] observation returned by step (row-major)
  'E' end record:
    u8   tag   = 0x45 ('E')
    u32  n_resets (number of 'R' records)
    u32  n_steps  (repeated, for sanity)
"""
from __future__ import annotations

import argparse
import gzip
import struct
import sys
import time

import numpy as np

import ale_py
import gymnasium as gym
from gymnasium.wrappers import AtariPreprocessing

gym.register_envs(ale_py)

MAX_FRAMES = 400000
NOOP_MAX = 30
FRAME_SKIP = 4
SCREEN = 84
RAP = 0.0


def env_id(game: str) -> str:
    return "ALE/" + "".join(p.capitalize() for p in game.split("_")) + "-v5"


def make_env(game: str):
    inner = gym.make(
        env_id(game),
        frameskip=1,
        repeat_action_probability=RAP,
        full_action_space=False,
        max_num_frames_per_episode=MAX_FRAMES,
    )
    return AtariPreprocessing(
        inner,
        noop_max=NOOP_MAX,
        frame_skip=FRAME_SKIP,
        screen_size=SCREEN,
        grayscale_obs=True,
        terminal_on_life_loss=False,
        scale_obs=False,
    )


def action_source(n_actions: int, n_steps: int, action_seed, actions_file):
    if actions_file is not None:
        with open(actions_file) as f:
            acts = [int(t) for t in f.read().split()]
        if len(acts) < n_steps:
            sys.exit(f"actions file has {len(acts)} actions, need {n_steps}")
        for a in acts[:n_steps]:
            if not 0 <= a < n_actions:
                sys.exit(f"action {a} out of range [0,{n_actions})")
            yield a
    else:
        rng = np.random.default_rng(action_seed)
        for _ in range(n_steps):
            yield int(rng.integers(0, n_actions))


def cmd_fixture(args) -> None:
    env = make_env(args.rom_game)
    ale = env.unwrapped.ale
    n_actions = int(env.action_space.n)
    action_set = [int(a.value) for a in env.unwrapped._action_set]
    a_seed = -1 if args.actions_file is not None else args.action_seed

    out = bytearray()
    game_b = args.rom_game.encode()
    out += b"ATARIREF"
    out += struct.pack("<II", 1, len(game_b)) + game_b
    out += struct.pack("<qqIIIIIf", args.seed, a_seed, args.steps, n_actions,
                       NOOP_MAX, FRAME_SKIP, MAX_FRAMES, RAP)
    out += struct.pack("<HHB", SCREEN, SCREEN, len(action_set)) + bytes(action_set)

    n_resets = 0

    def write_reset(obs):
        nonlocal n_resets
        efn = ale.getEpisodeFrameNumber()
        noops = efn  # frameskip=1 inner env: one frame per noop, efn==0 after reset_game
        assert 1 <= noops <= NOOP_MAX, noops
        out.extend(struct.pack("<BBI", 0x52, noops, efn))
        out.extend(np.ascontiguousarray(obs, dtype=np.uint8).tobytes())
        n_resets += 1

    obs, _ = env.reset(seed=args.seed)
    write_reset(obs)
    acts = action_source(n_actions, args.steps, args.action_seed, args.actions_file)
    for i, a in enumerate(acts):
        obs, r, term, trunc, _ = env.step(a)
        out.extend(struct.pack("<BBfBBI", 0x53, a, float(r), int(term), int(trunc),
                               ale.getEpisodeFrameNumber()))
        out.extend(np.ascontiguousarray(obs, dtype=np.uint8).tobytes())
        if (term or trunc) and i != args.steps - 1:
            obs, _ = env.reset()
            write_reset(obs)
    out.extend(struct.pack("<BII", 0x45, n_resets, args.steps))
    with gzip.open(args.out, "wb", compresslevel=9) as f:
        f.write(out)
    env.close()
    print(f"wrote {args.out}: steps={args.steps} resets={n_resets} raw_bytes={len(out)}")


def cmd_bench(args) -> None:
    env = make_env(args.rom_game)
    n_actions = int(env.action_space.n)
    rng = np.random.default_rng(args.action_seed)
    acts = rng.integers(0, n_actions, size=args.steps)
    env.reset(seed=args.seed)
    t0 = time.perf_counter()
    for a in acts:
        _, _, term, trunc, _ = env.step(int(a))
        if term or trunc:
            env.reset()
    dt = time.perf_counter() - t0
    env.close()
    print(f"reference_agent_steps_per_s={args.steps / dt:.1f}")


def cmd_ale_bench(args) -> None:
    ale = ale_py.ALEInterface()
    ale.setLoggerMode(ale_py.LoggerMode.Error)
    ale.setFloat("repeat_action_probability", RAP)
    ale.setInt("random_seed", args.seed)
    ale.setInt("max_num_frames_per_episode", MAX_FRAMES)
    ale.loadROM(ale_py.roms.get_rom_path(args.rom_game))
    aset = ale.getMinimalActionSet()
    rng = np.random.default_rng(args.action_seed)
    acts = [aset[i] for i in rng.integers(0, len(aset), size=args.frames)]
    ale.reset_game()
    t0 = time.perf_counter()
    for a in acts:
        ale.act(a)
        if ale.game_over():
            ale.reset_game()
    dt = time.perf_counter() - t0
    print(f"ale_frames_per_s={args.frames / dt:.1f}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    f = sub.add_parser("fixture", help="write gzip binary fixture")
    f.add_argument("--rom-game", default="pong")
    f.add_argument("--seed", type=int, required=True)
    f.add_argument("--steps", type=int, required=True)
    g = f.add_mutually_exclusive_group(required=True)
    g.add_argument("--action-seed", type=int)
    g.add_argument("--actions-file")
    f.add_argument("--out", required=True)
    f.set_defaults(func=cmd_fixture)

    b = sub.add_parser("bench", help="time agent steps of the preprocessed env")
    b.add_argument("--rom-game", default="pong")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--steps", type=int, default=5000)
    b.add_argument("--action-seed", type=int, default=0)
    b.set_defaults(func=cmd_bench)

    c = sub.add_parser("ale-bench", help="time bare ALEInterface.act frames")
    c.add_argument("--rom-game", default="pong")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--frames", type=int, default=20000)
    c.add_argument("--action-seed", type=int, default=0)
    c.set_defaults(func=cmd_ale_bench)

    args = p.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
