// For /metrics: each job's newest run and newest successful run. Params: none.
// Returns: job, last_status, last_started (epoch seconds), last_success (epoch seconds or null),
// running (0/1), last_steps (the newest run's steps as JSON text, for its problem files).
MATCH (r:JobRun)
WITH r.job AS job, r ORDER BY r.started_at DESC
WITH job, collect(r) AS runs
WITH job, runs[0] AS last,
     [x IN runs WHERE x.status = 'succeeded'][0] AS success
RETURN job, last.status AS last_status,
       last.started_at.epochMillis / 1000.0 AS last_started,
       success.finished_at.epochMillis / 1000.0 AS last_success,
       CASE last.status WHEN 'running' THEN 1 ELSE 0 END AS running,
       last.steps AS last_steps
