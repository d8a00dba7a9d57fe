// Record the erasure requests of a source's erasure log (`erasure_requests`) on the person
// records they name; `models.privacy.requested` honours them right after the load (the CLI's
// ingest, the refresh job's erase step, the API's ingest mutations) or with
// `marketgraph erase --requested`. Until then the record is flagged, nothing is erased yet: an
// erasure holds the resolution lock, which an ingest does not take.
// A request for a record never loaded is kept on a placeholder, so the erasure still happens
// and an older export loaded later cannot fill it (customer_records.cypher).
// Not applied (counted unchanged): to a record already erased (erase_records.cypher keeps no
// request flag, so an honoured request stays honoured when its log is loaded again); to a
// record created after the request (the person signed up again since); when the record holds
// this request, or a later one, already.
// Params: $rows: [{record_id, record_system, source_id, source_type, requested_at, reference,
//   row_hash, source_system}], $run_id, $seen_at.
// Returns: created (requests for records not loaded yet), updated (loaded records flagged),
//   older (requests not applied because their record was created after them: reported).
UNWIND $rows AS row
MERGE (n:CustomerRecord {record_id: row.record_id})
  ON CREATE SET n.source_system = row.record_system, n.source_id = row.source_id,
                n.placeholder = true, n.first_seen = $seen_at, n.first_run = $run_id,
                n.last_seen = $seen_at, n.last_run = $run_id
WITH n, row, datetime(row.requested_at) AS requested_at
WITH n, row, requested_at,
     n.erased_at IS NULL AND coalesce(n.created_at > requested_at, false) AS signed_up_since
WITH n, row, requested_at, signed_up_since,
     n.erased_at IS NULL AND NOT signed_up_since
       AND NOT coalesce(n.erasure_requested_at >= requested_at, false) AS applies
FOREACH (_ IN CASE WHEN applies THEN [1] ELSE [] END |
  SET n.erasure_requested_at = requested_at, n.erasure_reference = row.reference,
      n.erasure_request_run = $run_id, n.last_run = $run_id, n.last_changed = $seen_at)
RETURN count(CASE WHEN applies AND n.placeholder THEN 1 END) AS created,
       count(CASE WHEN applies AND n.placeholder IS NULL THEN 1 END) AS updated,
       count(CASE WHEN signed_up_since THEN 1 END) AS older
