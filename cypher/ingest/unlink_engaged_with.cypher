// Remove ENGAGED_WITH links of changed interactions whose content moved or vanished in the
// source. Runs before link_engaged_with.cypher.
// Params: $rows: [{interaction_id, content_id}].   Returns: unlinked.
UNWIND $rows AS row
MATCH (:Interaction {interaction_id: row.interaction_id})-[stale:ENGAGED_WITH]->(other:Content)
WHERE row.content_id IS NULL OR other.content_id <> row.content_id
DELETE stale
RETURN count(*) AS unlinked
