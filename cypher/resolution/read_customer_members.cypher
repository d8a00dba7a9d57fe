// Every record of the given unified Customers: the clusters an incremental run's new records
// touch come along whole, so that clustering keeps them together (or merges them).
// Params: $ids: [customer_id].
// Returns one row per record, with the columns of read_customer_records.cypher.
UNWIND $ids AS id
MATCH (e:Customer {customer_id: id})<-[:RESOLVES_TO]-(r:CustomerRecord)
WHERE r.placeholder IS NULL
OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
RETURN r.record_id AS record_id, r.source_system AS source_system,
       r.first_name AS first_name, r.last_name AS last_name, r.full_name AS full_name,
       r.email AS email, r.phone AS phone, r.city AS city, r.postcode AS postcode,
       r.country AS country, r.company_name AS company_name,
       a.record_id AS account_record_id, e.customer_id AS entity_id, r.rk_digest AS keys_digest
