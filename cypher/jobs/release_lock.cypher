// Release the job's lock if $run_id still holds it. Params: $name, $run_id.
MATCH (l:JobLock {name: $name})
WHERE l.holder = $run_id
SET l.holder = null, l.expires_at = null
