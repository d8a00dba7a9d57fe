// Remove PERFORMED links of changed interactions whose performer moved or vanished in the
// source (a corrected export), so no event is left attributed to two people. Runs before
// link_performed.cypher, in the same transaction.
// Params: $rows: [{interaction_id, performer_id}].   Returns: unlinked.
UNWIND $rows AS row
MATCH (other:CustomerRecord)-[stale:PERFORMED]->(:Interaction {interaction_id: row.interaction_id})
WHERE row.performer_id IS NULL OR other.record_id <> row.performer_id
DELETE stale
RETURN count(*) AS unlinked
