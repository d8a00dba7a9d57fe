// The company records an incremental run needs to derive WORKS_AT for its people: those their
// CRM records point at, and every one whose normalised name (rk_name) is a name the people
// typed, so that a name shared by several accounts is seen to be (and names none of them).
// Params: $record_ids: [AccountRecord.record_id], $names: [rk_name hash of a normalised name].
// Returns one row per record, with the columns of read_account_records.cypher.
CALL () {
  UNWIND $record_ids AS id MATCH (r:AccountRecord {record_id: id}) RETURN r
  UNION
  UNWIND $names AS v MATCH (r:AccountRecord {rk_name: v}) RETURN r
}
WITH DISTINCT r
WHERE r.placeholder IS NULL
MATCH (r)-[:RESOLVES_TO]->(e:Account)
RETURN r.record_id AS record_id, r.source_system AS source_system, r.name AS name,
       r.domain AS domain, r.city AS city, r.country AS country, r.industry AS industry,
       e.account_id AS entity_id, r.rk_digest AS keys_digest
