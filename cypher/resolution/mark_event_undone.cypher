// Mark a merge event as reversed by an unmerge.
// Params: $event_id, $at: datetime, $by: string.
MATCH (ev:ResolutionEvent {event_id: $event_id})
SET ev.undone_at = $at, ev.undone_by = $by
