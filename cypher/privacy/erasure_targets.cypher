// The person records an erasure request covers: every record that resolves to the unified
// customer $customer_id (the person, as the platform knows them) or that an earlier erasure
// took from it, and the records named in $record_ids (a request that names source records,
// e.g. from one system's erasure log).
// Each comes with what identifies it in raw text (source id, e-mail, phone: to find the
// quarantined rows that carry it), the customer it is linked to now, and the references of the
// requests recorded for it already (a second ticket for an erased record is recorded too).
// Params: $customer_id: string|null, $record_ids: [string].
// Returns: record_id, source_system, source_id, email, phone, customer_id (or null),
//   erased (already erased: true / false), references ([string]).
CALL () {
  MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(:Customer {customer_id: $customer_id})
  RETURN r
  UNION
  MATCH (r:CustomerRecord {erased_customer: $customer_id})  // erased earlier, detached since
  WHERE r.erased_at IS NOT NULL  // not revived since by a new sign-up: that is not covered
  RETURN r
  UNION
  UNWIND $record_ids AS id
  MATCH (r:CustomerRecord {record_id: id})
  RETURN r
}
OPTIONAL MATCH (r)-[:RESOLVES_TO]->(c:Customer)
RETURN r.record_id AS record_id, r.source_system AS source_system, r.source_id AS source_id,
       r.email AS email, r.phone AS phone, c.customer_id AS customer_id,
       r.erased_at IS NOT NULL AS erased,
       [(q:ErasureRequest)-[:ERASED]->(r) | q.reference] AS references
ORDER BY record_id
