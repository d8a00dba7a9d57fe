// Store each CustomerRecord's blocking keys (rk_*) and their digest; a null key removes the property.
// Params: $rows: [{record_id, keys: {rk_...: integer hash or null, rk_digest: string}}].
// Returns: written.
UNWIND $rows AS row
MATCH (r:CustomerRecord {record_id: row.record_id})
WHERE r.erased_at IS NULL  // erased while this run scored it: leave it erased
SET r += row.keys
RETURN count(*) AS written
