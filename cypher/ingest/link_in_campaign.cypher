// Link changed interactions to their campaign. Both nodes exist (interactions.cypher and
// placeholder_campaigns.cypher ran first in the transaction).
// Params: $rows: [{interaction_id, campaign_id, source_system, source_id}], $run_id, $seen_at.
// Returns: linked.
UNWIND $rows AS row
MATCH (i:Interaction {interaction_id: row.interaction_id})
MATCH (cp:Campaign {campaign_id: row.campaign_id})
MERGE (i)-[r:IN_CAMPAIGN]->(cp)
  ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                r.first_seen = $seen_at, r.first_run = $run_id
SET r.last_seen = $seen_at, r.last_run = $run_id
RETURN count(r) AS linked
