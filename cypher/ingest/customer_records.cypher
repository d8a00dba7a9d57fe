// Upsert person records exactly as a source system exported them (CRM contacts, e-shop
// customers, email subscribers, web visitors) — entity resolution later links them to a
// unified (:Customer). Unchanged rows (same row_hash) are not rewritten, so re-runs change nothing.
// The ids of created or updated rows come back as `changed`; the loader then re-links just those
// to their employer (unlink_works_at, placeholder_account_records, link_works_at) in the same
// transaction — split because relationship MERGEs in one statement with the node upsert make the
// planner add Eager barriers.
// Params: $rows: [{record_id, source_system, source_id, row_hash, first_name, last_name,
//   full_name, email, phone, job_title, company_name, street, city, postcode, country,
//   consent_email, consent_sms, status, created_at, updated_at}],
//   $run_id: string, $seen_at: datetime.
// A row for an erased record (cypher/privacy/erase_records.cypher) is written only when it was
// created after the erasure: the source has the person again, as a new sign-up.
// A row older than the graph's copy (its updated_at before the stored one: a backup, or an
// older export loaded after a newer one) is not applied, so it cannot undo a newer change such
// as a consent opt-out; it is counted in `older` (and among the unchanged). Rows flow through
// to the end (FOREACH, not WHERE) so that count comes back in the same pass.
// Returns: created, updated (rows whose content changed); unchanged = len(rows) - both;
//   older (rows not applied because the graph holds a later update);
//   changed (record_id of every created or updated row), updated_ids (of the updated ones
//   only: a new row has no stale links to remove).
UNWIND $rows AS row
MERGE (n:CustomerRecord {record_id: row.record_id})
  ON CREATE SET n.source_system = row.source_system, n.source_id = row.source_id,
                n.first_seen = $seen_at, n.first_run = $run_id
WITH n, row, n.row_hash AS old_hash,
     coalesce(datetime(row.updated_at) < n.updated_at, false) AS older
SET n.last_seen = $seen_at
WITH n, row, old_hash, older,
     (old_hash IS NULL OR old_hash <> row.row_hash) AND NOT older
     // An erased record takes only a row created after its erasure (the person signed up
     // again); any other row — an older export, or a source that edited the record without
     // erasing it yet — is counted unchanged, and the record stays erased.
     AND (n.erased_at IS NULL OR coalesce(datetime(row.created_at) > n.deleted_at, false))
     AS apply
FOREACH (_ IN CASE WHEN apply THEN [1] ELSE [] END |
  SET n.first_name = row.first_name, n.last_name = row.last_name, n.full_name = row.full_name,
      n.email = row.email, n.phone = row.phone, n.job_title = row.job_title,
      n.company_name = row.company_name, n.street = row.street, n.city = row.city,
      n.postcode = row.postcode, n.country = row.country,
      n.consent_email = row.consent_email, n.consent_sms = row.consent_sms,
      n.status = row.status, n.created_at = datetime(row.created_at),
      n.updated_at = datetime(row.updated_at), n.row_hash = row.row_hash,
      n.last_run = $run_id, n.last_changed = $seen_at
  REMOVE n.placeholder)
WITH n, row, old_hash, older, apply
CALL (n, row, apply) {
  // A deleted record comes back only with a row updated (or created) after its deletion:
  // an export older than the deletion feed still lists it, and must not revive it.
  WITH n, row
  WHERE apply AND n.deleted_at IS NOT NULL
    AND coalesce(datetime(row.updated_at), datetime(row.created_at)) > n.deleted_at
  REMOVE n.deleted_at, n.deletion_reason, n.deleted_run, n.erased_at, n.erased_by, n.erasure_id,
         n.erased_customer
}
CALL (n, row, apply) {
  // A waiting erasure request (cypher/ingest/erasure_requests.cypher) does not cover a row
  // created after it: the person signed up again since, as a new sign-up.
  WITH n, row
  WHERE apply AND coalesce(datetime(row.created_at) > n.erasure_requested_at, false)
  REMOVE n.erasure_requested_at, n.erasure_reference, n.erasure_request_run,
         n.erasure_more_references, n.erasure_more_runs
}
RETURN count(CASE WHEN apply AND old_hash IS NULL THEN 1 END) AS created,
       count(CASE WHEN apply AND old_hash IS NOT NULL THEN 1 END) AS updated,
       count(CASE WHEN older THEN 1 END) AS older,
       collect(CASE WHEN apply THEN row.record_id END) AS changed,
       collect(CASE WHEN apply AND old_hash IS NOT NULL THEN row.record_id END) AS updated_ids
