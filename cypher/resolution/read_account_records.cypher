// One page of company records (not placeholders, not deleted at their source), in record-id order,
// with the fields entity resolution compares and the unified (:Account) each resolves to now (null
// when never resolved). A page is one row holding a list per record (read_customer_records.cypher:
// why).
// Params: $only_unresolved: bool (true = only records with no RESOLVES_TO yet, and those whose
//   content an ingest run in $changed_by changed: late_ingest_runs.cypher),
//   $changed_by: [IngestRun.run_id],
//   $after: string (the previous page's `last`; "" for the first page), $page: integer.
// Returns one row: last (the last record id this page scanned; null when it scanned none: the
//   end), columns (the field names), rows (one list of field values per record, in that order);
//   values exactly as the source exported them.
MATCH (r:AccountRecord)
WHERE r.record_id > $after
WITH r ORDER BY r.record_id LIMIT $page
WITH collect(r) AS scanned
CALL (scanned) {
  UNWIND scanned AS r
  WITH r
  WHERE r.placeholder IS NULL AND r.deleted_at IS NULL
  OPTIONAL MATCH (r)-[:RESOLVES_TO]->(a:Account)
  WITH r, a
  WHERE NOT $only_unresolved OR a IS NULL OR r.last_run IN $changed_by
  RETURN collect([r.record_id, r.source_system, r.name, r.domain, r.city, r.country,
                  r.industry, a.account_id, r.rk_digest]) AS rows
}
RETURN scanned[-1].record_id AS last,
       ['record_id', 'source_system', 'name', 'domain', 'city', 'country', 'industry',
        'entity_id', 'keys_digest'] AS columns,
       rows
