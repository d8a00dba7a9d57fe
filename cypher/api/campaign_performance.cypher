// API aggregation: campaign spend against engagement — touches (interactions IN_CAMPAIGN),
// clicks (email or ad clicks) and cost per click; the API twin of analyst/campaign_performance.
// Params: $channel: string|null; $limit: int.
// Returns: campaign_id, name, channel, budget, spend, touches, clicks, cost_per_click;
//   highest spend first.
MATCH (c:Campaign)
WHERE $channel IS NULL OR c.channel = $channel
OPTIONAL MATCH (c)<-[:IN_CAMPAIGN]-(i:Interaction)
WITH c, count(i) AS touches,
     count(CASE WHEN i.kind IN ['email_click', 'ad_click'] THEN 1 END) AS clicks
RETURN c.campaign_id AS campaign_id, c.name AS name, c.channel AS channel,
       c.budget AS budget, c.spend AS spend, touches, clicks,
       CASE WHEN clicks > 0 AND c.spend IS NOT NULL THEN c.spend / clicks END AS cost_per_click
ORDER BY spend DESC, campaign_id
LIMIT $limit
