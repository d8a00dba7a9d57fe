// The customers merged into any of $customer_ids by a merge not undone since, found from the
// survivors through their history (INVOLVES, write_events.cypher): an erasure deletes the copy
// drafts written under those older ids too, since they quote the same person.
// Params: $customer_ids: [string].
// Returns: one row: ids ([customer_id], possibly empty).
UNWIND $customer_ids AS id
MATCH (:Customer {customer_id: id})<-[:INVOLVES]-(ev:ResolutionEvent)
WHERE ev.kind = 'merge' AND ev.entity_id = id AND ev.undone_at IS NULL
UNWIND ev.other_ids AS other
RETURN collect(DISTINCT other) AS ids
