// API: customer_records.cypher for sort NAME_ASC, written out so that the range index on full_name
// (migration 0008) serves the seek and the order: named records from the cursor's name onwards
// in index order (ties by record_id: a partial sort within one name), then, only if the page is
// not full, records with no full_name in record_id order (the record_id index). Each part is gated
// by a one-row WITH ... WHERE, so a part the cursor has passed reads nothing. Ties on the cursor's
// name are a CASE, not an OR: the planner splits an OR of two seekable predicates into a union
// of two seeks, which loses the index order (a Top over every name below the cursor). Same rows, order
// and cursors as customer_records.cypher (by full_name, then record_id; no full_name after every one).
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $after_key: the previous page's last full_name (null: it had none); $after_id: its
//   record_id, null on the first page; $limit: int (page size + 1: is there a next page?).
// Returns: rows of item (map of CustomerRecord properties), key (full_name), id.
// Temporals the API exposes come back as ISO text (toString) and unexposed provenance
// timestamps as null: the Python driver builds each DateTime slowly (api/graphql/types.py).
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL OR $after_key IS NOT NULL
  MATCH (n:CustomerRecord)
  WHERE n.full_name >= coalesce($after_key, '')
    AND CASE WHEN n.full_name = $after_key THEN n.record_id > $after_id ELSE true END
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.full_name ASC, n.record_id ASC LIMIT $limit
  RETURN collect(n) AS named
}
CALL (named) {
  WITH 1 AS go WHERE size(named) < $limit
  MATCH (n:CustomerRecord)
  WHERE n.record_id > coalesce(CASE WHEN $after_key IS NULL THEN $after_id END, '')
    AND n.full_name IS NULL
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.record_id ASC LIMIT $limit
  RETURN collect(n) AS unnamed
}
UNWIND (named + unnamed)[..$limit] AS n
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, n.full_name AS key, n.record_id AS id
