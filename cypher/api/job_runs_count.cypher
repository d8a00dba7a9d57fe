// API: how many job runs match job_runs.cypher's filter (its totalCount, run only when a client
// selects totalCount).
// Params: $job: string|null.
// Returns: total: int.
MATCH (r:JobRun)
WHERE $job IS NULL OR r.job = $job
RETURN count(r) AS total
