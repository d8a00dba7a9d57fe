// The history of one unified entity, newest first: every merge and split it took part in (as
// the entity kept or created, or as one merged into it / split from it), every removal of
// records their source deleted, and whether each was undone (one event by its id:
// read_event.cypher). Starts from the entity — a customer or an account id, each unique per
// label (constraints customer_id / account_id), so two index seeks — and walks the
// (ev)-[:INVOLVES]->(entity) relationships write_events.cypher adds (migration 0013 added
// them to older events): the events naming it among other_ids are in a list no index
// answers, so this reads only the entity's own events, never a scan of all of them.
// Params: $entity_id: string, $after: string|null (the event_id of the last event listed: the
//   page continues after it, in the same order; an unknown id gives no rows), $limit: int.
// Returns: event_id, kind, entity_type, entity_id, other_ids, record_ids, previous_ids, count,
//   at (ISO text), by, model_version, reverses, undone_at (ISO text or null), undone_by.
CALL () {
  MATCH (e:Customer {customer_id: $entity_id})
  RETURN e
  UNION
  MATCH (e:Account {account_id: $entity_id})
  RETURN e
}
MATCH (ev:ResolutionEvent)-[:INVOLVES]->(e)
WHERE ev.kind IN ['merge', 'split', 'remove']
WITH DISTINCT ev
OPTIONAL MATCH (last:ResolutionEvent {event_id: $after})
WITH ev, last
WHERE $after IS NULL OR ev.at < last.at OR (ev.at = last.at AND ev.event_id < last.event_id)
RETURN ev.event_id AS event_id, ev.kind AS kind, ev.entity_type AS entity_type,
       ev.entity_id AS entity_id, ev.other_ids AS other_ids, ev.record_ids AS record_ids,
       ev.previous_ids AS previous_ids, ev.count AS count, toString(ev.at) AS at, ev.by AS by,
       ev.model_version AS model_version, ev.reverses AS reverses,
       toString(ev.undone_at) AS undone_at, ev.undone_by AS undone_by
ORDER BY ev.at DESC, ev.event_id DESC
LIMIT $limit
