// Take the job's lock for $run_id unless another live run holds it.
// The SET before the check takes the node's write lock, so a concurrent caller waits for this
// transaction and then sees its holder (Neo4j's documented way to avoid lost updates).
// Times are the database's own (datetime()), so clients whose clocks differ agree on expiry.
// $dead_holder: a holder the caller found dead (its process gone, on this same host): taken
// over at once instead of after its lease, if it still holds the lock.
// The lock records the holder's host and process id for that check, and provenance like every
// node (source system 'marketgraph').
// Params: $name, $run_id, $seconds (how long the lock lives), $host, $pid, $dead_holder.
// Returns: holder (the run that holds the lock afterwards), expires_at, host, pid.
MERGE (l:JobLock {name: $name})
SET l.checked_at = datetime(),
    l.source_system = coalesce(l.source_system, 'marketgraph'),
    l.source_id = coalesce(l.source_id, $name),
    l.first_seen = coalesce(l.first_seen, datetime()),
    l.first_run = coalesce(l.first_run, $run_id)
WITH l,
     l.holder IS NULL OR l.expires_at IS NULL OR l.expires_at < datetime()
       OR (l.holder = $dead_holder AND l.host = $host) AS free
SET l.holder = CASE WHEN free THEN $run_id ELSE l.holder END,
    l.last_seen = datetime(),
    l.last_run = CASE WHEN free THEN $run_id ELSE coalesce(l.last_run, l.first_run) END,
    l.host = CASE WHEN free THEN $host ELSE l.host END,
    l.pid = CASE WHEN free THEN $pid ELSE l.pid END,
    l.expires_at = CASE
      WHEN free THEN datetime() + duration({milliseconds: toInteger($seconds * 1000)})
      ELSE l.expires_at
    END
RETURN l.holder AS holder, toString(l.expires_at) AS expires_at, l.host AS host, l.pid AS pid
