// Record the erasure requests of a source's erasure log (`erasure_requests`) on the person
// records they name; `models.privacy.requested` honours them right after the load (the CLI's
// ingest, the refresh job's erase step, the API's ingest mutations) or with
// `marketgraph erase --requested`. Until then the record is flagged, nothing is erased yet: an
// erasure holds the resolution lock, which an ingest does not take.
// A request for a record never loaded is kept on a placeholder, so the erasure still happens
// and an older export loaded later cannot fill it (customer_records.cypher).
// Each ticket (reference) naming a record waits on it — a log may name one record twice, the
// person having asked twice: the first on the record's flag (erasure_reference,
// erasure_request_run), the others in erasure_more_references / erasure_more_runs, and
// erasure_requested_at is the latest one's time (a sign-up after it lifts them all). The
// mapping sends one row per record with all its tickets (`references`, `requested_ats`), so
// no two rows race for one record's flag.
// Not applied (counted unchanged): a ticket the record holds already, waiting or recorded by
// an (:ErasureRequest) that erased or covered it — loading the log again adds nothing. A new
// ticket for a record erased before is applied: the erasure step records it as covered by
// that erasure, so every ticket has its proof. Not applied and reported (`older`): a ticket
// for a record created after it (the person signed up again since).
// Params: $rows: [{record_id, record_system, source_id, source_type, references: [string],
//   requested_ats: [string], row_hash, source_system}], $run_id, $seen_at.
// Returns: created (tickets for records not loaded yet), updated (tickets flagged on loaded
//   records), older (tickets not applied because their record was created after them).
UNWIND $rows AS row
MERGE (n:CustomerRecord {record_id: row.record_id})
  ON CREATE SET n.source_system = row.record_system, n.source_id = row.source_id,
                n.placeholder = true, n.first_seen = $seen_at, n.first_run = $run_id,
                n.last_seen = $seen_at, n.last_run = $run_id
WITH n, row,
     [x IN [n.erasure_reference] + coalesce(n.erasure_more_references, []) WHERE x IS NOT NULL]
       + [(q:ErasureRequest)-[:ERASED]->(n) | q.reference] AS held,
     [i IN range(0, size(row.references) - 1) |
       {reference: row.references[i], at: datetime(row.requested_ats[i])}] AS tickets
WITH n, held,
     [t IN tickets WHERE n.erased_at IS NULL AND coalesce(n.created_at > t.at, false)] AS later,
     [t IN tickets WHERE NOT (n.erased_at IS NULL AND coalesce(n.created_at > t.at, false))
                     AND NOT t.reference IN held] AS new
WITH n, later, new, n.erasure_requested_at IS NULL AS unflagged
WITH n, later, new, CASE WHEN unflagged THEN new[0] END AS first,
     CASE WHEN unflagged THEN new[1..] ELSE new END AS more
FOREACH (t IN CASE WHEN first IS NULL THEN [] ELSE [first] END |
  SET n.erasure_requested_at = t.at, n.erasure_reference = t.reference,
      n.erasure_request_run = $run_id, n.erasure_more_references = [], n.erasure_more_runs = [])
FOREACH (t IN more |
  SET n.erasure_more_references = coalesce(n.erasure_more_references, []) + t.reference,
      n.erasure_more_runs = coalesce(n.erasure_more_runs, []) + $run_id,
      n.erasure_requested_at = CASE WHEN t.at > n.erasure_requested_at THEN t.at
                                    ELSE n.erasure_requested_at END)
FOREACH (_ IN CASE WHEN size(new) > 0 THEN [1] ELSE [] END |
  SET n.last_run = $run_id, n.last_changed = $seen_at)
RETURN sum(CASE WHEN n.placeholder THEN size(new) ELSE 0 END) AS created,
       sum(CASE WHEN n.placeholder IS NULL THEN size(new) ELSE 0 END) AS updated,
       sum(size(later)) AS older
