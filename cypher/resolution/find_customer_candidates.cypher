// The resolved CustomerRecords that share a blocking key with the new records of an incremental run:
// the only existing records Splink's blocking rules could pair them with (each branch is an
// index lookup on one rk_* key; models/resolution/blocking_keys.py says which).
// Params: $probes: map of rk_* property → list of the hashes the new records look it up with
//   (every key present, an empty list when no new record has a value),
//   $page: integer (records per result row: a row of lists unpacks in the driver's Rust
//   extension, a row per record costs Python time; read_customer_records.cypher).
// Returns one row per page of $page records: columns (the field names of
//   read_customer_records.cypher), rows (one list of field values per record, in that order).
CALL () {
  UNWIND $probes.rk_email AS v MATCH (r:CustomerRecord {rk_email: v}) RETURN r
  UNION
  UNWIND $probes.rk_phone AS v MATCH (r:CustomerRecord {rk_phone: v}) RETURN r
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
WITH collect(r) AS found
UNWIND range(0, size(found) - 1, $page) AS start
CALL (found, start) {
  UNWIND found[start..start + $page] AS r
  WITH r
  WHERE r.placeholder IS NULL
  MATCH (r)-[:RESOLVES_TO]->(e:Customer)
  OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
  RETURN collect([r.record_id, r.source_system, r.first_name, r.last_name, r.full_name,
                  r.email, r.phone, r.city, r.postcode, r.country, r.company_name,
                  a.record_id, e.customer_id, r.rk_digest]) AS rows
}
RETURN ['record_id', 'source_system', 'first_name', 'last_name', 'full_name', 'email', 'phone',
        'city', 'postcode', 'country', 'company_name', 'account_record_id', 'entity_id',
        'keys_digest'] AS columns, rows
