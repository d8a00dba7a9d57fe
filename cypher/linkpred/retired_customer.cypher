// What became of a customer id: its status and, for an id merged into another, when and into
// whom, and the active customer that holds its records now. `marketgraph recommend` and the
// copy writer read it for an id that is not active, so the user is told which id to use rather
// than "unknown" (copy) or shown the scores the id kept from before its merge (recommend).
// A merged id is a tombstone (resolution/retire_customers.cypher): status 'merged' and
// merged_into, the id that absorbed it; that one may have been merged again since, so the
// survivor is found by following merged_into from customer to customer along the merge
// events that name both (INVOLVES, resolution/write_events.cypher), to the first active one.
// Params: $customer_id: string.
// Returns: at most one row: status, merged_into (or null), retired_at (ISO text: when the merge
//   not undone since retired the id, else when it was retired; null while active), survivor
//   (the active customer holding its records now, or null).
MATCH (c:Customer {customer_id: $customer_id})
OPTIONAL MATCH (c)<-[:INVOLVES]-(ev:ResolutionEvent)
  WHERE ev.kind = 'merge' AND ev.entity_id = c.merged_into AND ev.undone_at IS NULL
WITH c, ev ORDER BY ev.at DESC
WITH c, collect(ev)[0] AS merge
CALL (c) {
  OPTIONAL MATCH path = (c)((x:Customer)<-[:INVOLVES]-(:ResolutionEvent)-[:INVOLVES]->(y:Customer)
      WHERE y.customer_id = x.merged_into){1,20}(s:Customer)
  WHERE s.status = 'active'
  RETURN s.customer_id AS survivor
  ORDER BY length(path)
  LIMIT 1
}
RETURN coalesce(c.status, 'active') AS status, c.merged_into AS merged_into,
       toString(CASE WHEN coalesce(c.status, 'active') = 'active' THEN null
                     ELSE coalesce(merge.at, c.last_seen) END) AS retired_at,
       survivor
