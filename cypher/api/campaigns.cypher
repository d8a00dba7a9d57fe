// API: one page of campaigns, after a keyset cursor. The sort is one of fixed CASE branches
// picked by $sort (a GraphQL enum value).
// Rows sort by `key` as Neo4j orders values (a null key after every value when ascending,
// before them when descending, as the offset version did), then by campaign_id ascending; the
// page starts after the row ($after_key, $after_id): no SKIP and no count
// (campaigns_count.cypher counts, only when a client selects totalCount). Datetime keys are
// epochMillis and date keys ISO text: plain JSON values a cursor carries exactly (a datetime
// parameter would be compared by zone as well as instant).
// Params: $channel, $objective: string|null; $sort: START_DESC|SPEND_DESC|NAME_ASC;
//   $after_key: the previous page's last key; $after_id: its campaign_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item (map of Campaign properties), key, id.
MATCH (c:Campaign)
WHERE ($channel IS NULL OR c.channel = $channel)
  AND ($objective IS NULL OR c.objective = $objective)
WITH c, c.campaign_id AS id,
     CASE $sort WHEN 'START_DESC' THEN toString(c.start_date) WHEN 'SPEND_DESC' THEN c.spend
                WHEN 'NAME_ASC' THEN c.name END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id > $after_id
                                      ELSE NOT $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id > $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key < $after_key
           ELSE key > $after_key END
RETURN c {.*} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END DESC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END ASC,
         id ASC
LIMIT $limit
