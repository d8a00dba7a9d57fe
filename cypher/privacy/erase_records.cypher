// Erase person records (a data subject's right to erasure): each record keeps only what says
// that it existed and that it was erased — its ids, source, provenance and timestamps — and
// loses every other property: names, e-mail, phone, address, job, consents, its content hash
// and its blocking keys (rk_*: hashes of its names). Rebuilt from a list of properties to keep
// rather than a list to remove, so a property added to person records later is erased too.
// The record is also marked deleted (as a deletion feed does), so every resolution read skips
// it and the next run — or the erasure itself — detaches it from its customer; an export
// that still lists the person cannot restore it (customer_records.cypher writes only a row
// created after the erasure: a new sign-up, which revives the record).
// Its typed employer (WORKS_AT to a company record) goes, and so do the free-text notes of
// the interactions it performed (call notes); the interactions themselves stay, for the
// business's counts, attached to a record that no longer says who it was.
// One (:ErasureRequest) records the request, linked to every record it erased; each record
// keeps the id of the customer it left (`erased_customer`), so a repeated request for that
// customer finds it erased rather than finding nothing.
// Params: $record_ids: [string], $customers_of: map record id -> its customer id, $erasure_id,
//   $reference (the request's ticket), $by, $at: datetime.
// Returns: records (erased now), interactions (whose notes were erased).
MERGE (req:ErasureRequest {erasure_id: $erasure_id})
  ON CREATE SET req.reference = $reference, req.requested_by = $by, req.at = $at,
                req.source_system = 'marketgraph', req.source_id = $erasure_id,
                req.first_run = $erasure_id, req.first_seen = $at
SET req.last_run = $erasure_id, req.last_seen = $at
WITH req
UNWIND $record_ids AS id
MATCH (r:CustomerRecord {record_id: id})
SET r = {
  record_id: r.record_id, source_system: r.source_system, source_id: r.source_id,
  placeholder: r.placeholder, first_seen: r.first_seen, first_run: r.first_run,
  last_seen: r.last_seen, last_run: $erasure_id, last_changed: $at,
  created_at: r.created_at, updated_at: r.updated_at,
  deleted_at: CASE WHEN r.deleted_at > $at THEN r.deleted_at ELSE $at END,
  deletion_reason: 'erasure', deleted_run: $erasure_id,
  erased_at: $at, erased_by: $by, erasure_id: $erasure_id,
  erased_customer: coalesce($customers_of[id], r.erased_customer)
}
MERGE (req)-[e:ERASED]->(r)
  ON CREATE SET e.source_system = 'marketgraph', e.source_id = $erasure_id,
                e.first_run = $erasure_id, e.first_seen = $at
WITH r
CALL (r) {
  OPTIONAL MATCH (r)-[w:WORKS_AT]->(:AccountRecord)
  DELETE w
}
CALL (r) {
  OPTIONAL MATCH (r)-[:PERFORMED]->(i:Interaction)
  WHERE i.notes IS NOT NULL
  SET i.notes = null, i.notes_erased_at = $at, i.last_changed = $at
  RETURN count(i) AS noted
}
RETURN count(r) AS records, sum(noted) AS interactions
