-- q_overestimation: does the network overestimate? For every greedy step (q_taken is the online network's Q of the
-- action it took; NULL for random actions), q_taken against the return that actually followed:
--   G_t = sum over later steps k of the same game (k >= t) of reward_k * gamma^(k - t)
-- with the clipped reward (what the learner is trained on) and gamma = trials.learner_gamma; per trial, mean
-- q_taken, mean G, mean (q_taken - G) (> 0: overestimation) and their correlation.
-- Tables: transitions, episodes (only finished games: the one cut off by the step budget has no full return),
-- trials (gamma, params).
-- Run:    bin/dqn sql --sweep runs/sweeps/<sweep_id> -f conf/sql/q_overestimation.sql
--
-- What G is: the discounted return to the end of the game (the episode). The learner's targets stop at done, which
-- with episodic_life is every life loss: in games with lives (Breakout) Q estimates the return to the next life loss,
-- so there G overstates its target and q_taken - G reads low; in Pong (no lives) done is the game's end and they
-- match. The last steps of a game see a short future either way (no bootstrap beyond the game's end).
--
-- How: a window sum of reward_k * gamma^(k - t) cannot refer to the current row's t, so each game is cut into
-- segments of L steps, L = ceil(ln(1e-12) / ln(gamma)) (gamma^L ~ 1e-12; 2,749 at gamma 0.99). With o = t's offset in
-- its segment, G_t = [sum of reward_k * gamma^o_k over later k of the segment] / gamma^o
--              + gamma^(L - o) * [the next segment's whole sum of reward_k * gamma^o_k];
-- segments after the next are left out, an error below gamma^L / (1 - gamma), about 1e-10 of the return at 0.99.
-- Keeping the exponents below L keeps gamma^o far from underflow in games of any length.
WITH steps AS (
  SELECT
    x.sweep_id,
    x.trial_id,
    x.episode,
    x.step,
    x.reward,
    x.q_taken,
    t.learner_gamma AS gamma,
    x.step - MIN(x.step) OVER (PARTITION BY x.sweep_id, x.trial_id, x.episode) AS t_in_game,
    CASE WHEN t.learner_gamma < 1 THEN CAST(CEIL(LN(1e-12) / LN(t.learner_gamma)) AS BIGINT)
      ELSE 1000000000 END AS seg_len
  FROM transitions x
  JOIN trials t ON t.sweep_id = x.sweep_id AND t.trial_id = x.trial_id
  LEFT SEMI JOIN episodes e ON e.sweep_id = x.sweep_id AND e.trial_id = x.trial_id AND e.episode = x.episode
),
weighted AS (
  SELECT *, t_in_game DIV seg_len AS seg, reward * POW(gamma, t_in_game % seg_len) AS w, t_in_game % seg_len AS o
  FROM steps
),
returns AS (
  SELECT *,
    -- a running sum backwards: Spark evaluates an UNBOUNDED FOLLOWING frame anew for every row (quadratic)
    SUM(w) OVER (PARTITION BY sweep_id, trial_id, episode, seg ORDER BY step DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) / POW(gamma, o)
      + POW(gamma, seg_len - o) * COALESCE(SUM(w) OVER (PARTITION BY sweep_id, trial_id, episode ORDER BY seg
        RANGE BETWEEN 1 FOLLOWING AND 1 FOLLOWING), 0)
      AS realized_return
  FROM weighted
)
SELECT
  r.sweep_id,
  r.trial_id,
  t.params,
  COUNT(*) AS greedy_steps,
  COUNT(DISTINCT r.episode) AS games,
  AVG(r.q_taken) AS mean_q_taken,
  AVG(r.realized_return) AS mean_realized_return,
  AVG(r.q_taken - r.realized_return) AS mean_overestimation,
  CORR(r.q_taken, r.realized_return) AS corr_q_return
FROM returns r
JOIN trials t ON t.sweep_id = r.sweep_id AND t.trial_id = r.trial_id
WHERE r.q_taken IS NOT NULL
GROUP BY r.sweep_id, r.trial_id, t.params
ORDER BY r.sweep_id, r.trial_id
