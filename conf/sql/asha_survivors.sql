-- asha_survivors: which settings survived each rung of an ASHA sweep? One row per rung and trial, best first: the
-- trial's swept settings, its metric at the rung, the metric the rung's top 1/eta reached when the decision was
-- made (NULL while that top was empty), the decision (PROMOTE; PAUSE: never promoted; COMPLETE: the last rung or
-- the return target), the order it was made in, the rung's counts, and how the trial ended.
-- Tables: rungs (one row per trial and rung, written before the decision took effect), trials.
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/asha_survivors.sql
SELECT
  r.sweep_id,
  r.rung,
  r.rung_agent_steps,
  r.params,
  r.metric,
  r.metric_value,
  r.cutoff,
  r.decision,
  r.seq,
  COUNT(*) OVER (PARTITION BY r.sweep_id, r.rung) AS trials_at_rung,
  SUM(CASE WHEN r.decision = 'PROMOTE' THEN 1 ELSE 0 END) OVER (PARTITION BY r.sweep_id, r.rung) AS promoted_at_rung,
  t.status AS trial_status,
  t.final_eval_return AS trial_final_eval_return,
  r.trial_id
FROM rungs r
LEFT JOIN trials t ON t.sweep_id = r.sweep_id AND t.trial_id = r.trial_id
ORDER BY r.sweep_id, r.rung, r.metric_value DESC NULLS LAST, r.seq
