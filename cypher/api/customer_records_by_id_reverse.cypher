// API: customer_records_by_id.cypher read backwards, for backward pages (`last` / `before`):
// person records in descending record_id order, strictly before the cursor's record_id
// ($after_id: the `before` cursor; null: from the end of the list), nearest the cursor first.
// The API reverses the page back into the list's order, so both files give the same rows and
// cursors. Two parts, each gated by a one-row WITH ... WHERE, so that each is one range seek
// on the record_id uniqueness index read backwards (no sort): from the top of the index
// without a cursor, below the cursor with one (an `$after_id IS NULL OR ...` would not seek).
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $after_key: null; $after_id: the cursor's record_id or null;
//   $limit: int (page size + 1, so the caller sees whether a previous page exists).
// Returns: rows of item (map of CustomerRecord properties), key (null), id, as
//   customer_records_by_id.cypher.
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL
  MATCH (n:CustomerRecord)
  WHERE n.record_id > ''
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS tail
}
CALL () {
  WITH 1 AS go WHERE $after_id IS NOT NULL
  MATCH (n:CustomerRecord)
  WHERE '' < n.record_id < $after_id
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS below
}
UNWIND tail + below AS n
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, null AS key, n.record_id AS id
