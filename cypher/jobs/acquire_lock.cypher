// Take the job's lock for $run_id unless another live run holds it.
// The SET before the check takes the node's write lock, so a concurrent caller waits for this
// transaction and then sees its holder (Neo4j's documented way to avoid lost updates).
// Times are the database's own (datetime()), so clients whose clocks differ agree on expiry.
// Params: $name, $run_id, $seconds (how long the lock lives).
// Returns: holder (the run that holds the lock afterwards), expires_at.
MERGE (l:JobLock {name: $name})
SET l.checked_at = datetime()
WITH l,
     l.holder IS NULL OR l.expires_at IS NULL OR l.expires_at < datetime() AS free
SET l.holder = CASE WHEN free THEN $run_id ELSE l.holder END,
    l.expires_at = CASE
      WHEN free THEN datetime() + duration({milliseconds: toInteger($seconds * 1000)})
      ELSE l.expires_at
    END
RETURN l.holder AS holder, toString(l.expires_at) AS expires_at
