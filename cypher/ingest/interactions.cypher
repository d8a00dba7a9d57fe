// Upsert interaction nodes of every kind — web_visit, form_fill, email_send, email_open,
// email_click, ad_click, call, purchase (also labelled :Order). Only rows whose content hash
// changed are rewritten; their ids come back as `changed`, and the loader then links just those
// rows to their performer, campaign and content (link_*.cypher) in the same transaction, after
// creating any referenced node that has not arrived yet as a placeholder (placeholder_*.cypher).
// Why not one query: relationship MERGEs in the same statement make the planner add Eager
// barriers and per-row subqueries (see ingestion/writer.py for the measured difference).
// Params: $rows: [{interaction_id, source_system, source_id, row_hash, kind, channel,
//   occurred_at, url, duration_s, outcome, notes, status, currency, total, ad_id, cost}],
//   $run_id, $seen_at.
// Returns: created, updated, changed (interaction_id of every created or updated row),
//   updated_ids (of the updated ones only: a new row has no stale links to remove).
UNWIND $rows AS row
MERGE (i:Interaction {interaction_id: row.interaction_id})
  ON CREATE SET i.source_system = row.source_system, i.source_id = row.source_id,
                i.first_seen = $seen_at, i.first_run = $run_id
WITH i, row, i.row_hash AS old_hash
SET i.last_seen = $seen_at
WITH i, row, old_hash
WHERE old_hash IS NULL OR old_hash <> row.row_hash
SET i.kind = row.kind, i.channel = row.channel, i.occurred_at = datetime(row.occurred_at),
    i.url = row.url, i.duration_s = row.duration_s, i.outcome = row.outcome,
    i.notes = row.notes, i.status = row.status, i.currency = row.currency,
    i.total = row.total, i.ad_id = row.ad_id, i.cost = row.cost,
    i.row_hash = row.row_hash, i.last_run = $run_id, i.last_changed = $seen_at
REMOVE i.placeholder
FOREACH (_ IN CASE WHEN row.kind = 'purchase' THEN [1] ELSE [] END | SET i:Order)
RETURN count(CASE WHEN old_hash IS NULL THEN 1 END) AS created, count(old_hash) AS updated,
       collect(row.interaction_id) AS changed,
       collect(CASE WHEN old_hash IS NOT NULL THEN row.interaction_id END) AS updated_ids
