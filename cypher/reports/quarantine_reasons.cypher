// Quarantined rows of one ingest run grouped by file, with example reasons.
// Params: $run_id.
MATCH (:IngestRun {run_id: $run_id})-[:QUARANTINED]->(q:QuarantinedRow)
WITH q.file AS file, count(*) AS rows, collect(q.reason)[..3] AS examples
RETURN file, rows, examples
ORDER BY rows DESC
