// The resolved CustomerRecords that share a blocking key with the new records of an incremental run:
// the only existing records Splink's blocking rules could pair them with (each branch is an
// index lookup on one rk_* key; models/resolution/blocking_keys.py says which).
// Params: $probes: map of rk_* property → list of the hashes the new records look it up with
//   (every key present, an empty list when no new record has a value).
// Returns one row per record, with the columns of read_customer_records.cypher.
CALL () {
  UNWIND $probes.rk_email AS v MATCH (r:CustomerRecord {rk_email: v}) RETURN r
  UNION
  UNWIND $probes.rk_phone AS v MATCH (r:CustomerRecord {rk_phone: v}) RETURN r
  UNION
  UNWIND $probes.rk_first_last AS v MATCH (r:CustomerRecord {rk_first_last: v}) RETURN r
  UNION
  UNWIND $probes.rk_email_local AS v MATCH (r:CustomerRecord {rk_email_local: v}) RETURN r
  UNION
  UNWIND $probes.rk_last_postcode AS v MATCH (r:CustomerRecord {rk_last_postcode: v}) RETURN r
  UNION
  UNWIND $probes.rk_last_employer AS v MATCH (r:CustomerRecord {rk_last_employer: v}) RETURN r
  UNION
  UNWIND $probes.rk_first_last3 AS v MATCH (r:CustomerRecord {rk_first_last3: v}) RETURN r
  UNION
  UNWIND $probes.rk_first_employer AS v MATCH (r:CustomerRecord {rk_first_employer: v}) RETURN r
  UNION
  UNWIND $probes.rk_initial_last_city AS v MATCH (r:CustomerRecord {rk_initial_last_city: v}) RETURN r
  UNION
  UNWIND $probes.rk_email_user AS v MATCH (r:CustomerRecord {rk_email_user: v}) RETURN r
  UNION
  UNWIND $probes.rk_name_key AS v MATCH (r:CustomerRecord {rk_name_key: v}) RETURN r
  UNION
  UNWIND $probes.rk_name_key_canon AS v MATCH (r:CustomerRecord {rk_name_key_canon: v}) RETURN r
  UNION
  UNWIND $probes.rk_initial_key AS v MATCH (r:CustomerRecord {rk_initial_key: v}) RETURN r
}
WITH DISTINCT r
WHERE r.placeholder IS NULL
MATCH (r)-[:RESOLVES_TO]->(e:Customer)
OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
RETURN r.record_id AS record_id, r.source_system AS source_system,
       r.first_name AS first_name, r.last_name AS last_name, r.full_name AS full_name,
       r.email AS email, r.phone AS phone, r.city AS city, r.postcode AS postcode,
       r.country AS country, r.company_name AS company_name,
       a.record_id AS account_record_id, e.customer_id AS entity_id, r.rk_digest AS keys_digest
