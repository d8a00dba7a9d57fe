// API: one page of refresh-job runs, newest first (key: started_at), after a keyset cursor (the
// jobRuns connection). Rows sort by `key` descending (a null key before every value, as Neo4j
// orders descending), then by run_id ascending; the page starts after the row ($after_key,
// $after_id): no SKIP and no count (job_runs_count.cypher counts, only when a client selects
// totalCount). The datetime key is epochMillis, a plain JSON value a cursor carries exactly.
// Params: $job: string|null (refresh, retrain);
//   $after_key: the previous page's last key; $after_id: its run_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item ({run_id, job, status, trigger, by, started_at, finished_at (ISO text),
//   steps (JSON text), error}: api.jobs.JobRunReport's fields), key, id.
MATCH (r:JobRun)
WHERE $job IS NULL OR r.job = $job
WITH r, r.run_id AS id, r.started_at.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN {run_id: r.run_id, job: r.job, status: r.status, trigger: r.trigger, by: r.by,
        started_at: toString(r.started_at), finished_at: toString(r.finished_at),
        steps: r.steps, error: r.error} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
