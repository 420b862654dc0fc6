-- points_per_episode: per trial and game, points won and lost (steps with raw_reward > 0 and < 0: in Pong, +1 or -1
-- per point) and rally length, the agent steps from one point to the next (the first rally from the game's first
-- step). finished is false for the game the step budget cut off.
-- Tables: transitions (raw_reward: the unclipped game score change), episodes (which games finished).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/points_per_episode.sql
WITH games AS (
  SELECT sweep_id, trial_id, episode, MIN(step) AS first_step, MAX(step) AS last_step
  FROM transitions
  GROUP BY sweep_id, trial_id, episode
),
points AS (
  SELECT
    x.sweep_id,
    x.trial_id,
    x.episode,
    x.raw_reward,
    x.step - COALESCE(LAG(x.step) OVER (PARTITION BY x.sweep_id, x.trial_id, x.episode ORDER BY x.step),
      g.first_step - 1) AS rally_steps
  FROM transitions x
  JOIN games g ON g.sweep_id = x.sweep_id AND g.trial_id = x.trial_id AND g.episode = x.episode
  WHERE x.raw_reward <> 0
)
SELECT
  g.sweep_id,
  g.trial_id,
  g.episode,
  e.episode IS NOT NULL AS finished,
  g.last_step - g.first_step + 1 AS steps,
  COUNT_IF(p.raw_reward > 0) AS points_won,
  COUNT_IF(p.raw_reward < 0) AS points_lost,
  COALESCE(SUM(p.raw_reward), 0) AS score,
  COUNT(p.rally_steps) AS rallies,
  AVG(p.rally_steps) AS mean_rally_steps,
  MIN(p.rally_steps) AS min_rally_steps,
  MAX(p.rally_steps) AS max_rally_steps
FROM games g
LEFT JOIN points p ON p.sweep_id = g.sweep_id AND p.trial_id = g.trial_id AND p.episode = g.episode
LEFT JOIN episodes e ON e.sweep_id = g.sweep_id AND e.trial_id = g.trial_id AND e.episode = g.episode
GROUP BY g.sweep_id, g.trial_id, g.episode, e.episode, g.first_step, g.last_step
ORDER BY g.sweep_id, g.trial_id, g.episode
