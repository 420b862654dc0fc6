-- pbt_lineage: how did a PBT population evolve? One row per member and generation, ranked within each
-- generation by its metric, largest first (mode: max): the metric at the generation's end, the decision (CONTINUE, EXPLOIT: it copied
-- the whole trial state of `parent`, COMPLETE at the last generation), its settings during the generation and for
-- the next one, and the settings that survive to the end (the last generation's).
-- Tables: lineage (one row per member and generation, written before the decisions took effect), trials.
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/pbt_lineage.sql
SELECT
  l.sweep_id,
  l.generation,
  l.agent_steps,
  RANK() OVER (PARTITION BY l.sweep_id, l.generation ORDER BY l.metric_value DESC NULLS LAST) AS rank,
  l.trial_id,
  l.metric,
  l.metric_value,
  l.decision,
  l.parent,
  l.settings_before,
  l.settings_after,
  t.status AS trial_status,
  t.final_eval_return AS trial_final_eval_return
FROM lineage l
LEFT JOIN trials t ON t.sweep_id = l.sweep_id AND t.trial_id = l.trial_id
ORDER BY l.sweep_id, l.generation, rank, l.trial_id
