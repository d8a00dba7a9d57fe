// Upsert company records as the CRM exported them; entity resolution later links them to a
// unified (:Account). Industry becomes a node so "accounts in your industry" is one hop.
// Params: $rows: [{record_id, source_system, source_id, row_hash, name, domain, industry,
//   employees, city, country, created_at, updated_at}], $run_id, $seen_at.
// A row older than the graph's copy (updated_at before the stored one) is not applied and
// is counted in `older` (see customer_records.cypher).
// Returns: created, updated, older.
UNWIND $rows AS row
MERGE (n:AccountRecord {record_id: row.record_id})
  ON CREATE SET n.source_system = row.source_system, n.source_id = row.source_id,
                n.first_seen = $seen_at, n.first_run = $run_id
WITH n, row, n.row_hash AS old_hash,
     coalesce(datetime(row.updated_at) < n.updated_at, false) AS older
SET n.last_seen = $seen_at
WITH n, row, old_hash, older,
     (old_hash IS NULL OR old_hash <> row.row_hash) AND NOT older AS apply
FOREACH (_ IN CASE WHEN apply THEN [1] ELSE [] END |
  SET n.name = row.name, n.domain = row.domain, n.industry = row.industry,
      n.employees = row.employees, n.city = row.city, n.country = row.country,
      n.created_at = datetime(row.created_at), n.updated_at = datetime(row.updated_at),
      n.row_hash = row.row_hash, n.last_run = $run_id, n.last_changed = $seen_at
  REMOVE n.placeholder)
WITH n, row, old_hash, older, apply
CALL (n, row, apply) {
  // A deleted record comes back only with a row updated (or created) after its deletion:
  // an export older than the deletion feed still lists it, and must not revive it.
  WITH n, row
  WHERE apply AND n.deleted_at IS NOT NULL
    AND coalesce(datetime(row.updated_at), datetime(row.created_at)) > n.deleted_at
  REMOVE n.deleted_at, n.deletion_reason, n.deleted_run
}
CALL (n, row, apply) {
  WITH n, row
  WHERE apply
  OPTIONAL MATCH (n)-[stale:IN_INDUSTRY]->(other:Industry)
  WHERE row.industry IS NULL OR other.name <> row.industry
  DELETE stale
}
CALL (n, row, apply) {
  WITH n, row WHERE apply AND row.industry IS NOT NULL
  MERGE (i:Industry {name: row.industry})
    ON CREATE SET i.source_system = row.source_system, i.source_id = row.industry,
                  i.first_seen = $seen_at, i.first_run = $run_id,
                  i.last_seen = $seen_at, i.last_run = $run_id
  MERGE (n)-[r:IN_INDUSTRY]->(i)
    ON CREATE SET r.source_system = row.source_system, r.source_id = row.source_id,
                  r.first_seen = $seen_at, r.first_run = $run_id
  SET r.last_seen = $seen_at, r.last_run = $run_id
}
RETURN count(CASE WHEN apply AND old_hash IS NULL THEN 1 END) AS created,
       count(CASE WHEN apply AND old_hash IS NOT NULL THEN 1 END) AS updated,
       count(CASE WHEN older THEN 1 END) AS older
