-- asha_survivors: which settings survived each rung of an ASHA sweep? One row per rung and trial, best first: the
-- trial's swept settings, its metric at the rung, the cutoff it had to reach (NULL for the first trial at a rung),
-- the decision (PROMOTE, PRUNE, or COMPLETE at the last rung or at the return target), the rung's counts, and how
-- the trial ended.
-- Tables: rungs (one row per decision, written before it took effect), trials (status, final evaluation).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/asha_survivors.sql
-- Decisions are made as results arrive (seq): a later trial faces the cutoff of those recorded before it.
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
