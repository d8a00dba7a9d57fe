// A campaign's brief for the writer: name, objective, dates, channel and target category.
// Params: $campaign_id: string.
// Returns: one row or none: campaign_id, name, objective, channel, start_date, end_date,
//   target_category.
MATCH (cp:Campaign {campaign_id: $campaign_id})
OPTIONAL MATCH (cp)-[:TARGETS]->(cat:Category)
RETURN cp.campaign_id AS campaign_id, cp.name AS name, cp.objective AS objective,
       cp.channel AS channel, toString(cp.start_date) AS start_date,
       toString(cp.end_date) AS end_date, cat.name AS target_category
