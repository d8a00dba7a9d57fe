// Late-arriving content: a placeholder (:Content {placeholder: true}) for every referenced id
// that has no node yet; content.jsonl fills it in later.
// Params: $ids: [string] (distinct), $run_id, $seen_at.   Returns: created.
UNWIND $ids AS id
MERGE (ct:Content {content_id: id})
  ON CREATE SET ct.placeholder = true, ct.source_system = 'marketing', ct.source_id = id,
                ct.first_seen = $seen_at, ct.first_run = $run_id,
                ct.last_seen = $seen_at, ct.last_run = $run_id
RETURN count(CASE WHEN ct.first_run = $run_id AND ct.placeholder THEN 1 END) AS created
