// Every record of the given unified Accounts: the clusters an incremental run's new records
// touch come along whole, so that clustering keeps them together (or merges them).
// Params: $ids: [account_id],
//   $page: integer (records per result row; read_customer_records.cypher says why).
// Returns one row per page of $page records: columns (the field names of
//   read_account_records.cypher), rows (one list of field values per record, in that order).
UNWIND $ids AS id
MATCH (e:Account {account_id: id})<-[:RESOLVES_TO]-(r:AccountRecord)
WHERE r.placeholder IS NULL
WITH collect(r) AS found
UNWIND range(0, size(found) - 1, $page) AS start
CALL (found, start) {
  UNWIND found[start..start + $page] AS r
  MATCH (r)-[:RESOLVES_TO]->(e:Account)
  RETURN collect([r.record_id, r.source_system, r.name, r.domain, r.city, r.country,
                  r.industry, e.account_id, r.rk_digest]) AS rows
}
RETURN ['record_id', 'source_system', 'name', 'domain', 'city', 'country', 'industry',
        'entity_id', 'keys_digest'] AS columns, rows
