// API: one page of ingest runs, newest first (key: started_at), after a keyset cursor.
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by run_id ascending; the page
// starts after the row ($after_key, $after_id): no SKIP and no count (ingest_runs_count.cypher
// counts, only when a client selects totalCount). Datetime keys are epochMillis and date keys
// ISO text: plain JSON values a cursor carries exactly (a datetime parameter would be compared
// by zone as well as instant).
// Params: $status: string|null;
//   $after_key: the previous page's last key; $after_id: its run_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of IngestRun properties), key, id.
MATCH (r:IngestRun)
WHERE $status IS NULL OR r.status = $status
WITH r, r.run_id AS id, r.started_at.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN r {.*} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
