// The latest merge into an entity that has not been undone yet (or a given event).
// Params: $entity_id: string or null, $event_id: string or null.
// Returns: event_id, entity_type, entity_id, record_ids, previous_ids, other_ids.
MATCH (ev:ResolutionEvent)
WHERE ev.kind = 'merge' AND ev.undone_at IS NULL
  AND ($event_id IS NULL OR ev.event_id = $event_id)
  AND ($entity_id IS NULL OR ev.entity_id = $entity_id)
RETURN ev.event_id AS event_id, ev.entity_type AS entity_type, ev.entity_id AS entity_id,
       ev.record_ids AS record_ids, ev.previous_ids AS previous_ids, ev.other_ids AS other_ids
ORDER BY ev.at DESC, ev.event_id DESC
LIMIT 1
