-- action_distribution: how often each action is taken early, in the middle and late in training (thirds of each
-- trial's agent steps), and how much of each third is greedy (not random) - does the policy collapse onto one action?
-- Tables: transitions (one row per agent step: action, epsilon, q_taken is NULL for random actions).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/action_distribution.sql
WITH phased AS (
  SELECT
    sweep_id,
    trial_id,
    action,
    epsilon,
    q_taken,
    -- 0, 1, 2: the third of the trial's recorded steps this step falls in
    CAST(FLOOR(3 * (step - MIN(step) OVER trial) / (MAX(step) OVER trial - MIN(step) OVER trial + 1)) AS INT)
      AS phase
  FROM transitions
  WINDOW trial AS (PARTITION BY sweep_id, trial_id)
),
counted AS (
  SELECT sweep_id, trial_id, phase, action, COUNT(*) AS steps, COUNT(q_taken) AS greedy_steps,
    AVG(epsilon) AS mean_epsilon
  FROM phased
  GROUP BY sweep_id, trial_id, phase, action
)
SELECT
  sweep_id,
  trial_id,
  ELT(phase + 1, 'early', 'middle', 'late') AS phase,
  action,
  steps,
  steps / SUM(steps) OVER (PARTITION BY sweep_id, trial_id, phase) AS share,
  greedy_steps / SUM(greedy_steps) OVER (PARTITION BY sweep_id, trial_id, phase) AS greedy_share,
  SUM(steps * mean_epsilon) OVER (PARTITION BY sweep_id, trial_id, phase)
    / SUM(steps) OVER (PARTITION BY sweep_id, trial_id, phase) AS phase_mean_epsilon
FROM counted
ORDER BY sweep_id, trial_id, counted.phase, action
