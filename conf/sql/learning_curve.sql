-- learning_curve: per trial, each game's return against the agent step it ended at, with a moving average over
-- the trial's last 10 games (fewer at the start: games_in_average says how many).
-- Tables: episodes (one row per game), trials (the swept settings, as params).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/learning_curve.sql --format csv > curve.csv
SELECT
  e.sweep_id,
  e.trial_id,
  t.params,
  t.seed,
  e.episode,
  e.end_step,
  e.raw_return,
  AVG(e.raw_return) OVER last10 AS return_ma10,
  COUNT(*) OVER last10 AS games_in_average
FROM episodes e
JOIN trials t ON t.sweep_id = e.sweep_id AND t.trial_id = e.trial_id
WINDOW last10 AS (PARTITION BY e.sweep_id, e.trial_id ORDER BY e.episode ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
ORDER BY e.sweep_id, e.trial_id, e.episode
