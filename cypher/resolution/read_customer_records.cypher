// One page of person records (not placeholders, not deleted at their source), in record-id order,
// with the fields entity resolution compares, the unified (:Customer) each resolves to now (null
// when never resolved) and its CRM account record. A page is answered as one row holding a list per
// record: the driver unpacks lists in its Rust extension, while each result row costs ~40 µs of
// Python (bench/README.md, session 10). Pages keep the server's memory bounded.
// Params: $only_unresolved: bool (true = only records with no RESOLVES_TO yet, and those whose
//   content an ingest run in $changed_by changed: late_ingest_runs.cypher),
//   $changed_by: [IngestRun.run_id],
//   $after: string (the previous page's `last`; "" for the first page), $page: integer.
// Returns one row: last (the last record id this page scanned; null when it scanned none: the
//   end), columns (the field names), rows (one list of field values per record, in that order);
//   values exactly as the source exported them.
MATCH (r:CustomerRecord)
WHERE r.record_id > $after
WITH r ORDER BY r.record_id LIMIT $page
WITH collect(r) AS scanned
CALL (scanned) {
  UNWIND scanned AS r
  WITH r
  WHERE r.placeholder IS NULL AND r.deleted_at IS NULL
  OPTIONAL MATCH (r)-[:RESOLVES_TO]->(c:Customer)
  WITH r, c
  WHERE NOT $only_unresolved OR c IS NULL OR r.last_run IN $changed_by
  OPTIONAL MATCH (r)-[:WORKS_AT]->(a:AccountRecord)
  RETURN collect([r.record_id, r.source_system, r.first_name, r.last_name, r.full_name, r.email,
                  r.phone, r.city, r.postcode, r.country, r.company_name, a.record_id,
                  c.customer_id, r.rk_digest]) AS rows
}
RETURN scanned[-1].record_id AS last,
       ['record_id', 'source_system', 'first_name', 'last_name', 'full_name', 'email', 'phone',
        'city', 'postcode', 'country', 'company_name', 'account_record_id', 'entity_id',
        'keys_digest'] AS columns,
       rows
