// Late-arriving company records: a placeholder (:AccountRecord {placeholder: true}) for every
// referenced id that has no node yet; the account's own export row fills it in later.
// Ids carry their source system as prefix ("crm:A000123"), which gives the provenance.
// Params: $ids: [string] (distinct), $run_id, $seen_at.   Returns: created.
UNWIND $ids AS id
MERGE (a:AccountRecord {record_id: id})
  ON CREATE SET a.placeholder = true, a.source_system = split(id, ':')[0],
                a.source_id = substring(id, size(split(id, ':')[0]) + 1),
                a.first_seen = $seen_at, a.first_run = $run_id,
                a.last_seen = $seen_at, a.last_run = $run_id
RETURN count(CASE WHEN a.first_run = $run_id AND a.placeholder THEN 1 END) AS created
