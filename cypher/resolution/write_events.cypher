// Append merge / split / create history as (:ResolutionEvent) nodes (idempotent on event_id).
// previous_ids holds each moved record's earlier entity id ('' for none), so an unmerge can
// restore exactly what a merge changed.
// Params: $rows: [{event_id, kind, entity_type, entity_id, other_ids, record_ids, previous_ids,
//   count}], $run_id, $at: datetime, $model_version, $by.
UNWIND $rows AS row
MERGE (ev:ResolutionEvent {event_id: row.event_id})
  ON CREATE SET ev.source_system = 'resolution', ev.source_id = row.event_id,
                ev.first_run = $run_id, ev.first_seen = $at, ev.kind = row.kind,
                ev.entity_type = row.entity_type, ev.entity_id = row.entity_id,
                ev.other_ids = row.other_ids, ev.record_ids = row.record_ids,
                ev.previous_ids = row.previous_ids, ev.count = row.count, ev.at = $at,
                ev.model_version = $model_version, ev.by = $by, ev.run_id = $run_id,
                ev.reverses = row.reverses
SET ev.last_run = $run_id, ev.last_seen = $at
