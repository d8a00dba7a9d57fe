// The resolved AccountRecords that share a blocking key with the new records of an incremental run:
// the only existing records Splink's blocking rules could pair them with (each branch is an
// index lookup on one rk_* key; models/resolution/blocking_keys.py says which).
// Params: $probes: map of rk_* property → list of the hashes the new records look it up with
//   (every key present, an empty list when no new record has a value).
// Returns one row per record, with the columns of read_account_records.cypher.
CALL () {
  UNWIND $probes.rk_name AS v MATCH (r:AccountRecord {rk_name: v}) RETURN r
  UNION
  UNWIND $probes.rk_domain AS v MATCH (r:AccountRecord {rk_domain: v}) RETURN r
  UNION
  UNWIND $probes.rk_name4_country AS v MATCH (r:AccountRecord {rk_name4_country: v}) RETURN r
}
WITH DISTINCT r
WHERE r.placeholder IS NULL
MATCH (r)-[:RESOLVES_TO]->(e:Account)
RETURN r.record_id AS record_id, r.source_system AS source_system, r.name AS name,
       r.domain AS domain, r.city AS city, r.country AS country, r.industry AS industry,
       e.account_id AS entity_id, r.rk_digest AS keys_digest
