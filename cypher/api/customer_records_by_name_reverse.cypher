// API: customer_records_by_name.cypher (sort NAME_ASC) read backwards, for backward pages
// (`last` / `before`): the rows strictly before the cursor row, nearest the cursor first, i.e.
// in the exact reverse of NAME_ASC: records with no full_name first, by record_id descending,
// then named records by full_name descending, ties by record_id descending. The API reverses
// the page back into the list's order, so both files give the same rows and cursors.
// Each part is a range seek read backwards on its index (full_name: migration 0008; record_id:
// the uniqueness constraint), gated by a one-row WITH ... WHERE so that a part the cursor rules
// out reads nothing: unnamed records from the end or below a cursor that has no name; then, if
// the page is not full, named records from the top (no cursor, or one without a name) or from
// the cursor's name downwards. Ties on the cursor's name are a CASE, not an OR (an OR of two
// seekable predicates becomes a union of two seeks, which loses the index order).
// Params: $source_system, $country: string|null; $created_from, $created_to: datetime|null;
//   $after_key: the cursor's full_name (null: it had none); $after_id: its record_id, null for
//   the end of the list; $limit: int (page size + 1: is there a previous page?).
// Returns: rows of item (map of CustomerRecord properties), key (full_name), id.
// email_refused_elsewhere / phone_refused_elsewhere: a record of the same customer refused
// e-mail / SMS: the person did (masked for marketers: api/graphql/auth.py).
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL
  MATCH (n:CustomerRecord)
  WHERE n.record_id > ''
    AND n.full_name IS NULL
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS tail
}
CALL () {
  WITH 1 AS go WHERE $after_id IS NOT NULL AND $after_key IS NULL
  MATCH (n:CustomerRecord)
  WHERE '' < n.record_id < $after_id
    AND n.full_name IS NULL
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS below_unnamed
}
WITH tail + below_unnamed AS unnamed
CALL (unnamed) {
  WITH 1 AS go WHERE $after_key IS NULL AND size(unnamed) < $limit
  MATCH (n:CustomerRecord)
  WHERE n.full_name >= ''
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.full_name DESC, n.record_id DESC LIMIT $limit
  RETURN collect(n) AS top
}
CALL () {
  WITH 1 AS go WHERE $after_key IS NOT NULL
  MATCH (n:CustomerRecord)
  WHERE n.full_name <= $after_key
    AND CASE WHEN n.full_name = $after_key THEN n.record_id < $after_id ELSE true END
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($country IS NULL OR n.country = $country)
    AND ($created_from IS NULL OR n.created_at >= $created_from)
    AND ($created_to IS NULL OR n.created_at < $created_to)
  WITH n ORDER BY n.full_name DESC, n.record_id DESC LIMIT $limit
  RETURN collect(n) AS below
}
UNWIND (unnamed + top + below)[..$limit] AS n
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), email_refused_elsewhere: n.email IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_email = false }, phone_refused_elsewhere: n.phone IS NOT NULL AND EXISTS { MATCH (n)-[:RESOLVES_TO]->(:Customer)<-[:RESOLVES_TO]-(o:CustomerRecord) WHERE o.consent_sms = false }, first_seen: null, last_seen: null, last_changed: null} AS item, n.full_name AS key, n.record_id AS id
