// An event back in force: the split that undid it has itself been reversed (an unmerge undone
// puts the merge back, so a later `unmerge` can find it again).
// Params: $event_id.
MATCH (ev:ResolutionEvent {event_id: $event_id})
SET ev.undone_at = null, ev.undone_by = null
