-- hyperparameter_comparison: which learning rate x target sync x epsilon schedule does best? Per setting, the best
-- and the final evaluation return of each seed, then their mean and sample stddev over seeds (NULL with one seed).
-- Tables: trials (settings, status), evals (one row per evaluation: mean_return over its games).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/hyperparameter_comparison.sql
-- Only FINISHED trials count. An epsilon schedule is its shape, end value and decay length together.
WITH per_seed AS (
  SELECT
    t.sweep_id,
    t.learner_lr,
    t.learner_target_sync_every_updates,
    t.exploration_schedule,
    t.exploration_end,
    t.exploration_decay_agent_steps,
    t.seed,
    MAX(v.mean_return) AS best_eval_return,
    MAX_BY(v.mean_return, v.step) AS final_eval_return
  FROM trials t
  JOIN evals v ON v.sweep_id = t.sweep_id AND v.trial_id = t.trial_id
  WHERE t.status = 'FINISHED'
  GROUP BY ALL
)
SELECT
  sweep_id,
  learner_lr,
  learner_target_sync_every_updates,
  exploration_schedule,
  exploration_end,
  exploration_decay_agent_steps,
  COUNT(DISTINCT seed) AS seeds,
  AVG(best_eval_return) AS best_eval_mean,
  STDDEV_SAMP(best_eval_return) AS best_eval_std,
  AVG(final_eval_return) AS final_eval_mean,
  STDDEV_SAMP(final_eval_return) AS final_eval_std
FROM per_seed
GROUP BY ALL
ORDER BY final_eval_mean DESC, best_eval_mean DESC
