// Remove IN_CAMPAIGN links of changed interactions whose campaign moved or vanished in the
// source, so no event counts for two campaigns. Runs before link_in_campaign.cypher.
// Params: $rows: [{interaction_id, campaign_id}].   Returns: unlinked.
UNWIND $rows AS row
MATCH (:Interaction {interaction_id: row.interaction_id})-[stale:IN_CAMPAIGN]->(other:Campaign)
WHERE row.campaign_id IS NULL OR other.campaign_id <> row.campaign_id
DELETE stale
RETURN count(*) AS unlinked
