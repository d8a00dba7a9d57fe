// Link changed interactions to the person record that performed them. Both nodes exist
// (interactions.cypher and placeholder_customer_records.cypher ran first in the transaction).
// Params: $rows: [{interaction_id, performer_id, source_system, source_id}], $run_id, $seen_at.
// Returns: linked.
UNWIND $rows AS row
MATCH (i:Interaction {interaction_id: row.interaction_id})
MATCH (c:CustomerRecord {record_id: row.performer_id})
MERGE (c)-[p:PERFORMED]->(i)
  ON CREATE SET p.source_system = row.source_system, p.source_id = row.source_id,
                p.first_seen = $seen_at, p.first_run = $run_id
SET p.last_seen = $seen_at, p.last_run = $run_id
// A person who asked to be erased (cypher/privacy/erase_records.cypher) keeps no call notes,
// also on an interaction exported after the erasure.
FOREACH (_ IN CASE WHEN c.erased_at IS NOT NULL AND i.notes IS NOT NULL THEN [1] ELSE [] END |
  SET i.notes = null, i.notes_erased_at = $seen_at)
RETURN count(p) AS linked
