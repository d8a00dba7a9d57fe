// API: account_records.cypher for sort RECORD_ID_ASC (the default), written out so that the
// record_id uniqueness constraint's index serves both the seek and the order: the page reads
// records from $after_id onwards in index order and stops after $limit matches — no label
// scan, no sort, no SKIP, no count (account_records_count.cypher counts, only when asked).
// The key is always null (record_id alone orders the list), as in account_records.cypher.
// Params: $source_system, $industry, $country: string|null;
//   $after_key: null; $after_id: the previous page's last record_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of AccountRecord properties), key (null), id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
MATCH (n:AccountRecord)
WHERE n.record_id > coalesce($after_id, '')
  AND ($source_system IS NULL OR n.source_system = $source_system)
  AND ($industry IS NULL OR n.industry = $industry)
  AND ($country IS NULL OR n.country = $country)
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), first_seen: null, last_seen: null, last_changed: null} AS item, null AS key, n.record_id AS id
ORDER BY n.record_id ASC
LIMIT $limit
