// Upsert campaigns with their channel and the category they promote.
// Params: $rows: [{campaign_id, source_system, source_id, row_hash, name, channel, objective,
//   start_date, end_date, budget, spend, target_category_id}], $run_id, $seen_at.
// Returns: created, updated.
UNWIND $rows AS row
MERGE (c:Campaign {campaign_id: row.campaign_id})
  ON CREATE SET c.source_system = row.source_system, c.source_id = row.source_id,
                c.first_seen = $seen_at, c.first_run = $run_id
WITH c, row, c.row_hash AS old_hash
SET c.last_seen = $seen_at
WITH c, row, old_hash
WHERE old_hash IS NULL OR old_hash <> row.row_hash
SET c.name = row.name, c.channel = row.channel, c.objective = row.objective,
    c.start_date = date(row.start_date), c.end_date = date(row.end_date), c.budget = row.budget,
    c.spend = row.spend, c.target_category_id = row.target_category_id,
    c.row_hash = row.row_hash, c.last_run = $run_id, c.last_changed = $seen_at
REMOVE c.placeholder
WITH c, row, old_hash
CALL (c, row) {
  OPTIONAL MATCH (c)-[stale:ON_CHANNEL|TARGETS]->(x)
  DELETE stale
}
MERGE (ch:Channel {name: row.channel})
  ON CREATE SET ch.source_system = row.source_system, ch.source_id = row.channel,
                ch.first_seen = $seen_at, ch.first_run = $run_id,
                ch.last_seen = $seen_at, ch.last_run = $run_id
MERGE (c)-[oc:ON_CHANNEL]->(ch)
  ON CREATE SET oc.source_system = row.source_system, oc.source_id = row.source_id,
                oc.first_seen = $seen_at, oc.first_run = $run_id
SET oc.last_seen = $seen_at, oc.last_run = $run_id
WITH c, row, old_hash
CALL (c, row) {
  WITH c, row WHERE row.target_category_id IS NOT NULL
  MERGE (cat:Category {category_id: row.target_category_id})
    ON CREATE SET cat.placeholder = true, cat.level = 1, cat.source_system = row.source_system,
                  cat.source_id = row.target_category_id,
                  cat.first_seen = $seen_at, cat.first_run = $run_id,
                  cat.last_seen = $seen_at, cat.last_run = $run_id
  MERGE (c)-[t:TARGETS]->(cat)
    ON CREATE SET t.source_system = row.source_system, t.source_id = row.source_id,
                  t.first_seen = $seen_at, t.first_run = $run_id
  SET t.last_seen = $seen_at, t.last_run = $run_id
}
RETURN count(CASE WHEN old_hash IS NULL THEN 1 END) AS created, count(old_hash) AS updated
