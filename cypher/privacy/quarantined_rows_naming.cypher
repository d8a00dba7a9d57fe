// Quarantined rows whose raw text or reason contains any of $needles (lower-cased source ids,
// e-mail addresses, phones of a person): candidates only — the caller keeps the rows where a
// needle is a whole field (models/privacy/erasure.py to scrub them, access.py to list them).
// A scan of the quarantined rows, which are few (rejected rows), and only when a person asks.
// Params: $needles: [string] (lower case).
// Returns: row_id, raw (a preview), reason, source_type, file, row_number,
//   runs ([run_id]: the ingest runs that rejected it).
// Each row lower-cased once, not once per needle (a page of an erasure log brings hundreds).
MATCH (q:QuarantinedRow)
WHERE q.raw IS NOT NULL
WITH q, toLower(q.raw) AS lower_raw, toLower(coalesce(q.reason, '')) AS lower_reason
WHERE any(needle IN $needles WHERE lower_raw CONTAINS needle OR lower_reason CONTAINS needle)
RETURN q.row_id AS row_id, q.raw AS raw, q.reason AS reason, q.source_type AS source_type,
       q.file AS file, q.row_number AS row_number,
       [(run:IngestRun)-[:QUARANTINED]->(q) | run.run_id] AS runs
