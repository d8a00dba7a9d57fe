// Job runs, newest first. Params: $job (string or null for all), $run_id (string or null),
// $limit. Returns one row per run.
MATCH (r:JobRun)
WHERE ($job IS NULL OR r.job = $job) AND ($run_id IS NULL OR r.run_id = $run_id)
RETURN r.run_id AS run_id, r.job AS job, r.status AS status, r.trigger AS trigger, r.by AS by,
       toString(r.started_at) AS started_at, toString(r.finished_at) AS finished_at,
       r.steps AS steps, r.error AS error
ORDER BY r.started_at DESC, r.run_id DESC
LIMIT $limit
