// Every record of the given unified Accounts: the clusters an incremental run's new records
// touch come along whole, so that clustering keeps them together (or merges them).
// Params: $ids: [account_id].
// Returns one row per record, with the columns of read_account_records.cypher.
UNWIND $ids AS id
MATCH (e:Account {account_id: id})<-[:RESOLVES_TO]-(r:AccountRecord)
WHERE r.placeholder IS NULL
RETURN r.record_id AS record_id, r.source_system AS source_system, r.name AS name,
       r.domain AS domain, r.city AS city, r.country AS country, r.industry AS industry,
       e.account_id AS entity_id, r.rk_digest AS keys_digest
