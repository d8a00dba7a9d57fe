// Link changed interactions to the content they touched. Both nodes exist (interactions.cypher
// and placeholder_content.cypher ran first in the transaction).
// Params: $rows: [{interaction_id, content_id, source_system, source_id}], $run_id, $seen_at.
// Returns: linked.
UNWIND $rows AS row
MATCH (i:Interaction {interaction_id: row.interaction_id})
MATCH (ct:Content {content_id: row.content_id})
MERGE (i)-[r:ENGAGED_WITH]->(ct)
  ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                r.first_seen = $seen_at, r.first_run = $run_id
SET r.last_seen = $seen_at, r.last_run = $run_id
RETURN count(r) AS linked
