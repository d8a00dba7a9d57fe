// Record one processed export file, its counts and timing, its source system and its run.
// Params: $run_id, $file: {sha256, name, path, source_type, source_system, status, rows_read,
//   loaded, quarantined, created, updated, unchanged, seconds}, $at: datetime.
MATCH (r:IngestRun {run_id: $run_id})
MERGE (f:SourceFile {sha256: $file.sha256})
  ON CREATE SET f.first_seen = $at, f.first_run = $run_id, f.source_id = $file.name
SET f += $file, f.last_run = $run_id, f.last_seen = $at,
    f.loaded_at = CASE WHEN $file.status = 'loaded' THEN $at ELSE f.loaded_at END
MERGE (s:SourceSystem {name: $file.source_system})
  ON CREATE SET s.first_seen = $at, s.first_run = $run_id, s.source_system = s.name,
                s.source_id = s.name
SET s.last_seen = $at, s.last_run = $run_id
MERGE (f)-[e:EXPORTED_BY]->(s)
  ON CREATE SET e.first_seen = $at, e.first_run = $run_id, e.source_system = 'marketgraph',
                e.source_id = $file.sha256
MERGE (r)-[p:PROCESSED]->(f)
  ON CREATE SET p.first_seen = $at, p.first_run = $run_id, p.source_system = 'marketgraph',
                p.source_id = $run_id
SET p.status = $file.status, p.loaded = $file.loaded, p.quarantined = $file.quarantined
