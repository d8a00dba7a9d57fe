// Extend $run_id's hold on a lock it holds. No row when it holds it no more: another writer
// took it after its lease lapsed, or it was released. A holder never re-takes a lock it lost
// this way, because the other writer may have changed what it read (an erasure, above all).
// Params: $name, $run_id, $seconds (how long from now, by the database's clock).
// Returns: holder (one row while $run_id holds the lock).
MATCH (l:JobLock {name: $name})
WHERE l.holder = $run_id
SET l.expires_at = datetime() + duration({milliseconds: toInteger($seconds * 1000)})
RETURN l.holder AS holder
