// Late-arriving campaigns: a placeholder (:Campaign {placeholder: true}) for every referenced
// id that has no node yet; campaigns.csv fills it in later.
// Params: $ids: [string] (distinct), $run_id, $seen_at.   Returns: created.
UNWIND $ids AS id
MERGE (cp:Campaign {campaign_id: id})
  ON CREATE SET cp.placeholder = true, cp.source_system = 'marketing', cp.source_id = id,
                cp.first_seen = $seen_at, cp.first_run = $run_id,
                cp.last_seen = $seen_at, cp.last_run = $run_id
RETURN count(CASE WHEN cp.first_run = $run_id AND cp.placeholder THEN 1 END) AS created
