// API: one page of campaigns, plus the total over the same filters.
// Params: $channel, $objective: string|null; $sort: START_DESC|SPEND_DESC|NAME_ASC;
//   $skip, $limit: int.
// Returns: total: int, items: [map of Campaign properties].
CALL () {
  MATCH (c:Campaign)
  WHERE ($channel IS NULL OR c.channel = $channel)
    AND ($objective IS NULL OR c.objective = $objective)
  RETURN count(c) AS total
}
CALL () {
  MATCH (c:Campaign)
  WHERE ($channel IS NULL OR c.channel = $channel)
    AND ($objective IS NULL OR c.objective = $objective)
  WITH c
  ORDER BY CASE $sort WHEN 'START_DESC' THEN c.start_date END DESC,
           CASE $sort WHEN 'SPEND_DESC' THEN c.spend END DESC,
           CASE $sort WHEN 'NAME_ASC' THEN c.name END ASC,
           c.campaign_id ASC
  SKIP $skip LIMIT $limit
  RETURN collect(c {.*}) AS items
}
RETURN total, items
