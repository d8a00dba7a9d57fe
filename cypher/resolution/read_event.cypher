// One merge, split or removal by its id (the unique event_id constraint's index), with
// whether it was undone: what `rejoin` and `rejoinSplit` check before they act.
// Params: $event_id: string.
// Returns (no row when there is no such event): the columns of read_events.cypher.
MATCH (ev:ResolutionEvent {event_id: $event_id})
WHERE ev.kind IN ['merge', 'split', 'remove']
RETURN ev.event_id AS event_id, ev.kind AS kind, ev.entity_type AS entity_type,
       ev.entity_id AS entity_id, ev.other_ids AS other_ids, ev.record_ids AS record_ids,
       ev.previous_ids AS previous_ids, ev.count AS count, toString(ev.at) AS at, ev.by AS by,
       ev.model_version AS model_version, ev.reverses AS reverses,
       toString(ev.undone_at) AS undone_at, ev.undone_by AS undone_by
