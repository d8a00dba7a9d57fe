// API DataLoader: each campaign's most recent interactions (IN_CAMPAIGN; Campaign.interactions,
// the reverse of Interaction.campaign), newest first then interaction_id, at most $limit per key
// (a Top per campaign, not a collect of all of them), for a batch of keys in one round trip.
// Params: $keys: [string], $limit: int.
// Returns: key, items ([Interaction map], at most $limit).
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
UNWIND $keys AS key
CALL (key) {
  MATCH (i:Interaction)-[:IN_CAMPAIGN]->(:Campaign {campaign_id: key})
  WITH i ORDER BY i.occurred_at DESC, i.interaction_id LIMIT $limit
  RETURN collect(i {.*, occurred_at: toString(i.occurred_at), performer_deleted: CASE WHEN i.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(i) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null, last_changed: null}) AS items
}
RETURN key, items
