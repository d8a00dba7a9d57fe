// API aggregation: interactions grouped by kind, channel or month (a fixed CASE picked by the
// $group_by enum value), with count and the sum/average of paid orders' totals (purchases only
// carry a total; refunded and cancelled orders and other kinds count but add nothing).
// Params: $group_by: KIND|CHANNEL|MONTH; $kind: string|null; $occurred_from, $occurred_to:
//   datetime|null.
// Returns: key (string), count, total_value, average_value; ordered by key.
MATCH (i:Interaction)
WHERE ($kind IS NULL OR i.kind = $kind)
  AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
  AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
WITH i, CASE $group_by
          WHEN 'KIND' THEN i.kind
          WHEN 'CHANNEL' THEN i.channel
          WHEN 'MONTH' THEN substring(toString(i.occurred_at), 0, 7)
        END AS key
RETURN coalesce(key, '(none)') AS key, count(i) AS count,
       sum(CASE WHEN i.status = 'paid' THEN coalesce(i.total, 0.0) ELSE 0.0 END) AS total_value,
       avg(CASE WHEN i.status = 'paid' THEN i.total END) AS average_value
ORDER BY key
