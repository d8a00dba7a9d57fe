// Keep every rejected row in the graph with its reason, linked to the run that rejected it.
// The full raw text also goes to the run's quarantine file; here `raw` is capped for browsing.
// row_id is derived from file content + row number, so re-running a file adds no duplicates.
// Params: $run_id, $rows: [{row_id, source_type, file, row_number, reason, raw, raw_length}], $at.
MATCH (r:IngestRun {run_id: $run_id})
UNWIND $rows AS row
MERGE (q:QuarantinedRow {row_id: row.row_id})
  ON CREATE SET q.source_type = row.source_type, q.file = row.file,
                q.row_number = row.row_number, q.reason = row.reason, q.raw = row.raw,
                q.raw_length = row.raw_length, q.first_seen = $at, q.first_run = $run_id,
                q.source_system = 'quarantine', q.source_id = row.row_id
SET q.last_seen = $at, q.last_run = $run_id
MERGE (r)-[x:QUARANTINED]->(q)
  ON CREATE SET x.first_seen = $at, x.first_run = $run_id, x.source_system = 'marketgraph',
                x.source_id = row.row_id
RETURN count(q) AS rows
