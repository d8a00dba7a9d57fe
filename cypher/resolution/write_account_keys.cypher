// Store each AccountRecord's blocking keys (rk_*) and their digest; a null key removes the property.
// Params: $rows: [{record_id, keys: {rk_...: integer hash or null, rk_digest: string}}].
// Returns: written.
UNWIND $rows AS row
MATCH (r:AccountRecord {record_id: row.record_id})
SET r += row.keys
RETURN count(*) AS written
