// Take the job's lock for $run_id unless another live run holds it (its holder taking it
// again renews it).
// The SET before the check takes the node's write lock, so a concurrent caller waits for this
// transaction and then sees its holder (Neo4j's documented way to avoid lost updates).
// Params: $name, $run_id, $now (datetime), $expires_at (datetime).
// Returns: holder (the run that holds the lock afterwards), expires_at.
MERGE (l:JobLock {name: $name})
SET l.checked_at = $now
WITH l,
     l.holder IS NULL OR l.holder = $run_id OR l.expires_at IS NULL OR l.expires_at < $now
       AS free
SET l.holder = CASE WHEN free THEN $run_id ELSE l.holder END,
    l.expires_at = CASE WHEN free THEN $expires_at ELSE l.expires_at END
RETURN l.holder AS holder, toString(l.expires_at) AS expires_at
