// API: account_records_by_name_desc.cypher (sort NAME_DESC) read backwards, for backward pages
// (`last` / `before`): the rows strictly before the cursor row, nearest the cursor first, i.e.
// in the exact reverse of NAME_DESC: named records by name ascending, ties by record_id
// descending, then records with no name by record_id descending. The API reverses the
// page back into the list's order, so both files give the same rows and cursors.
// Each part is a range seek on its index (name: migration 0008; record_id, read
// backwards: the uniqueness constraint), gated by a one-row WITH ... WHERE so that a part the
// cursor rules out reads nothing: named records from the bottom (no cursor) or from the
// cursor's name upwards; then, if the page is not full, unnamed records from the end (no
// cursor, or a named one) or below a cursor that has no name. Ties on the cursor's name are a
// CASE, not an OR (an OR of two seekable predicates becomes a union of two seeks, which loses
// the index order).
// Params: $source_system, $industry, $country: string|null;
//   $after_key: the cursor's name (null: it had none); $after_id: its record_id, null for
//   the end of the list; $limit: int (page size + 1: is there a previous page?).
// Returns: rows of item (map of AccountRecord properties), key (name), id.
CALL () {
  WITH 1 AS go WHERE $after_id IS NULL OR $after_key IS NOT NULL
  MATCH (n:AccountRecord)
  WHERE n.name >= coalesce($after_key, '')
    AND CASE WHEN n.name = $after_key THEN n.record_id < $after_id ELSE true END
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($industry IS NULL OR n.industry = $industry)
    AND ($country IS NULL OR n.country = $country)
  WITH n ORDER BY n.name ASC, n.record_id DESC LIMIT $limit
  RETURN collect(n) AS named
}
CALL (named) {
  WITH 1 AS go WHERE ($after_id IS NULL OR $after_key IS NOT NULL) AND size(named) < $limit
  MATCH (n:AccountRecord)
  WHERE n.record_id > ''
    AND n.name IS NULL
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($industry IS NULL OR n.industry = $industry)
    AND ($country IS NULL OR n.country = $country)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS tail
}
CALL () {
  WITH 1 AS go WHERE $after_id IS NOT NULL AND $after_key IS NULL
  MATCH (n:AccountRecord)
  WHERE '' < n.record_id < $after_id
    AND n.name IS NULL
    AND ($source_system IS NULL OR n.source_system = $source_system)
    AND ($industry IS NULL OR n.industry = $industry)
    AND ($country IS NULL OR n.country = $country)
  WITH n ORDER BY n.record_id DESC LIMIT $limit
  RETURN collect(n) AS below_unnamed
}
UNWIND (named + tail + below_unnamed)[..$limit] AS n
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), first_seen: null, last_seen: null, last_changed: null} AS item, n.name AS key, n.record_id AS id
