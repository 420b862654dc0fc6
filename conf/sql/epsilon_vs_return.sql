-- epsilon_vs_return: game returns by the exploration rate they were played at (epsilon at the game's end, in bands
-- of 0.1): how much does exploring cost, and does the return improve as epsilon falls?
-- Tables: episodes (one row per game: raw_return, epsilon), trials (the swept settings, as params).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/epsilon_vs_return.sql
SELECT
  e.sweep_id,
  e.trial_id,
  t.params,
  -- [low, low + 0.1); epsilon = 1.0 joins the top band
  LEAST(FLOOR(e.epsilon * 10), 9) / 10 AS epsilon_band_low,
  ROUND(LEAST(FLOOR(e.epsilon * 10), 9) / 10 + 0.1, 1) AS epsilon_band_high,
  COUNT(*) AS games,
  AVG(e.raw_return) AS mean_return,
  STDDEV_SAMP(e.raw_return) AS std_return,
  MIN(e.raw_return) AS min_return,
  MAX(e.raw_return) AS max_return,
  AVG(e.length) AS mean_length
FROM episodes e
JOIN trials t ON t.sweep_id = e.sweep_id AND t.trial_id = e.trial_id
GROUP BY e.sweep_id, e.trial_id, t.params, epsilon_band_low, epsilon_band_high
ORDER BY e.sweep_id, e.trial_id, epsilon_band_low DESC
