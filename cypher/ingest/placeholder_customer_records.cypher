// Late-arriving person records: a placeholder (:CustomerRecord {placeholder: true}) for every
// referenced id that has no node yet; the record's own export row fills it in later.
// Ids carry their source system as prefix ("email:S000123"), which gives the provenance.
// Params: $ids: [string] (distinct), $run_id, $seen_at.   Returns: created.
UNWIND $ids AS id
MERGE (c:CustomerRecord {record_id: id})
  ON CREATE SET c.placeholder = true, c.source_system = split(id, ':')[0],
                c.source_id = substring(id, size(split(id, ':')[0]) + 1),
                c.first_seen = $seen_at, c.first_run = $run_id,
                c.last_seen = $seen_at, c.last_run = $run_id
RETURN count(CASE WHEN c.first_run = $run_id AND c.placeholder THEN 1 END) AS created
