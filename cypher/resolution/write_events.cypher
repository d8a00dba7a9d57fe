// Append merge / split / create history as (:ResolutionEvent) nodes (idempotent on event_id).
// previous_ids holds each moved record's earlier entity id ('' for none), so an unmerge can
// restore exactly what a merge changed.
// Each event also gets (ev)-[:INVOLVES {role}]->(entity) to the entity it names (role 'entity':
// kept, created or shrunk) and to each of its other_ids (role 'other': merged into it, split
// from it), so an entity's history is a walk from the entity (read_events.cypher): no index
// answers membership of the other_ids list. entity_type picks the label ('customer' →
// Customer.customer_id, 'account' → Account.account_id). Every caller writes events after the
// links and retirements that create or tombstone those entities, so they exist; one that does
// not (and a run's 'create' summary, which names none) simply gets no relationship: the event
// itself is always written, and no entity node is ever created here.
// Params: $rows: [{event_id, kind, entity_type, entity_id, other_ids, record_ids, previous_ids,
//   count, reverses}], $run_id, $at: datetime, $model_version, $by.
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
WITH ev, row
// A unit subquery (no RETURN): an entity it cannot find does not drop the event's row.
CALL (ev, row) {
  UNWIND [id IN [row.entity_id] + coalesce(row.other_ids, []) WHERE id IS NOT NULL] AS id
  OPTIONAL MATCH (c:Customer {customer_id: id})
    WHERE row.entity_type = 'customer'
  OPTIONAL MATCH (a:Account {account_id: id})
    WHERE row.entity_type = 'account'
  WITH ev, row, id, coalesce(c, a) AS e
  WHERE e IS NOT NULL
  MERGE (ev)-[i:INVOLVES]->(e)
    ON CREATE SET i.source_system = 'resolution', i.source_id = row.event_id,
                  i.first_run = $run_id, i.first_seen = $at,
                  i.role = CASE WHEN id = row.entity_id THEN 'entity' ELSE 'other' END
  SET i.last_run = $run_id, i.last_seen = $at
}
