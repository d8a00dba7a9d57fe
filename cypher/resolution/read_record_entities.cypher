// The unified entity each given record resolves to now (records without one are left out).
// Params: $kind: "customer"|"account", $record_ids: [record_id].
// Returns: record_id, entity_id.
UNWIND $record_ids AS id
OPTIONAL MATCH (:CustomerRecord {record_id: id})-[:RESOLVES_TO]->(c:Customer)
OPTIONAL MATCH (:AccountRecord {record_id: id})-[:RESOLVES_TO]->(a:Account)
WITH id, CASE $kind WHEN 'customer' THEN c.customer_id ELSE a.account_id END AS entity_id
WHERE entity_id IS NOT NULL
RETURN id AS record_id, entity_id
