// Every record of the given unified Customers: the clusters an incremental run's new records
// touch come along whole, so that clustering keeps them together (or merges them).
// Params: $ids: [customer_id],
//   $page: integer (records per result row; read_customer_records.cypher says why).
// Returns one row per page of $page records: columns (the field names of
//   read_customer_records.cypher), rows (one list of field values per record, in that order).
UNWIND $ids AS id
MATCH (e:Customer {customer_id: id})<-[:RESOLVES_TO]-(r:CustomerRecord)
WHERE r.placeholder IS NULL
WITH collect(r) AS found
UNWIND range(0, size(found) - 1, $page) AS start
CALL (found, start) {
  UNWIND found[start..start + $page] AS r
  MATCH (r)-[:RESOLVES_TO]->(e:Customer)
  OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
  RETURN collect([r.record_id, r.source_system, r.first_name, r.last_name, r.full_name,
                  r.email, r.phone, r.city, r.postcode, r.country, r.company_name,
                  a.record_id, e.customer_id, r.rk_digest]) AS rows
}
RETURN ['record_id', 'source_system', 'first_name', 'last_name', 'full_name', 'email', 'phone',
        'city', 'postcode', 'country', 'company_name', 'account_record_id', 'entity_id',
        'keys_digest'] AS columns, rows
