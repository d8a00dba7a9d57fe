// Migration 0018: back-fill what retire_*.cypher and erase_records.cypher write since session 21.
// A tombstone no entity took the records of is `retired` (it said `merged` with no
// `merged_into`); and each record an erasure detached names the customer it left
// (`erased_customer`, from the erasure's 'remove' event), so a repeated request for that
// customer finds it erased.
MATCH (n:Customer)
WHERE n.status = 'merged' AND n.merged_into IS NULL
SET n.status = 'retired';
MATCH (n:Account)
WHERE n.status = 'merged' AND n.merged_into IS NULL
SET n.status = 'retired';
MATCH (ev:ResolutionEvent {kind: 'remove', model_version: 'erasure', entity_type: 'customer'})
UNWIND ev.record_ids AS id
MATCH (r:CustomerRecord {record_id: id})
WHERE r.erased_at IS NOT NULL AND r.erased_customer IS NULL
SET r.erased_customer = ev.entity_id;
