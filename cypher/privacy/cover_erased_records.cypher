// Record that a request covers person records an earlier erasure erased: a second ticket from
// the same person, a source's erasure log naming a record erased by hand, or a request sent
// again that scrubbed rows loaded since. Its (:ErasureRequest) (written first, by
// erase_records.cypher with no records) is linked to them as to the records it erases, so
// `marketgraph erasures` lists every ticket; the link names the erasure that erased the
// record (`erased_by`), and the record keeps that erasure's properties.
// Params: $erasure_id, $record_ids: [string], $at: datetime.
// Returns: covered.
MATCH (req:ErasureRequest {erasure_id: $erasure_id})
UNWIND $record_ids AS id
MATCH (r:CustomerRecord {record_id: id})
WHERE r.erased_at IS NOT NULL
MERGE (req)-[e:ERASED]->(r)
  ON CREATE SET e.source_system = 'marketgraph', e.source_id = $erasure_id,
                e.first_run = $erasure_id, e.first_seen = $at, e.erased_by = r.erasure_id
RETURN count(r) AS covered
