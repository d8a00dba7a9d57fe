// The resolved AccountRecords that share a blocking key with the new records of an incremental run:
// the only existing records Splink's blocking rules could pair them with (each branch is an
// index lookup on one rk_* key; models/resolution/blocking_keys.py says which).
// Params: $probes: map of rk_* property → list of the hashes the new records look it up with
//   (every key present, an empty list when no new record has a value),
//   $page: integer (records per result row; read_customer_records.cypher says why).
// Returns one row per page of $page records: columns (the field names of
//   read_account_records.cypher), rows (one list of field values per record, in that order).
CALL () {
  UNWIND $probes.rk_name AS v MATCH (r:AccountRecord {rk_name: v}) RETURN r
  UNION
  UNWIND $probes.rk_domain AS v MATCH (r:AccountRecord {rk_domain: v}) RETURN r
  UNION
  UNWIND $probes.rk_name4_country AS v MATCH (r:AccountRecord {rk_name4_country: v}) RETURN r
}
WITH DISTINCT r
WITH collect(r) AS found
UNWIND range(0, size(found) - 1, $page) AS start
CALL (found, start) {
  UNWIND found[start..start + $page] AS r
  WITH r
  WHERE r.placeholder IS NULL
  MATCH (r)-[:RESOLVES_TO]->(e:Account)
  RETURN collect([r.record_id, r.source_system, r.name, r.domain, r.city, r.country,
                  r.industry, e.account_id, r.rk_digest]) AS rows
}
RETURN ['record_id', 'source_system', 'name', 'domain', 'city', 'country', 'industry',
        'entity_id', 'keys_digest'] AS columns, rows
