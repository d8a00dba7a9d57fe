// Runs left 'running' by a process that died: once their lock expired (or moved to another
// run) they are marked failed so the history never shows a run as running forever.
// Params: $job, $now (datetime).
MATCH (r:JobRun {job: $job, status: 'running'})
OPTIONAL MATCH (l:JobLock {name: $job})
WITH r, l
WHERE l IS NULL OR l.holder IS NULL OR l.holder <> r.run_id OR l.expires_at < $now
SET r.status = 'failed', r.finished_at = $now,
    r.error = 'abandoned: the process running it stopped before it finished'
RETURN count(r) AS abandoned
