// Detach the account records their source deleted (delete_records.cypher) from the unified
// (:Account) each still resolves to: a deleted record no longer makes up anyone. Found by the
// deleted_at index (migration 0011): a scan of the deleted records' index entries, not of
// every record (it grows with the deletions ever made, not with the population). The
// record stays in the graph with its history; the run retires entities left with no record
// and appends a 'remove' (:ResolutionEvent) per entity (models/resolution/removals.py).
// Params: $records: [record_id] to detach only those (an erasure), or null for every one.
// Returns one row per entity that lost records: entity_id, records ([record_id]).
MATCH (r:AccountRecord)
WHERE r.deleted_at IS NOT NULL
  AND ($records IS NULL OR r.record_id IN $records)
MATCH (r)-[link:RESOLVES_TO]->(e:Account)
WITH e.account_id AS entity_id, r, link
DELETE link
WITH entity_id, collect(r.record_id) AS records
RETURN entity_id, records
ORDER BY entity_id
