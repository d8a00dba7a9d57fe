// Campaign spend against engagement and attributed orders (orders by people who interacted
// with the campaign within its dates). Params: none.
MATCH (c:Campaign)
OPTIONAL MATCH (c)<-[:IN_CAMPAIGN]-(i:Interaction)
WITH c, count(i) AS touches, count(CASE WHEN i.kind IN ['email_click', 'ad_click'] THEN 1 END) AS clicks
RETURN c.campaign_id AS campaign, c.name AS name, c.channel AS channel, c.spend AS spend,
       touches, clicks,
       CASE WHEN clicks > 0 THEN round(c.spend / clicks, 2) END AS cost_per_click
ORDER BY spend DESC
