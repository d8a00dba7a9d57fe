// API: interactions.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// each sort's direction flipped (a null key first where it came last, last where it came first),
// ids descending. The API reverses the page back into the list's order, so both files give the
// same rows and cursors.
// Params: those of interactions.cypher (filters, $sort);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as interactions.cypher.
// performer_deleted: the call notes' person was deleted at their source (notes masked below
// analyst, as the record's own fields are: api/graphql/types.py interaction_from).
MATCH (i:Interaction)
WHERE ($kind IS NULL OR i.kind = $kind)
  AND ($channel IS NULL OR i.channel = $channel)
  AND ($source_system IS NULL OR i.source_system = $source_system)
  AND ($occurred_from IS NULL OR i.occurred_at >= $occurred_from)
  AND ($occurred_to IS NULL OR i.occurred_at < $occurred_to)
WITH i, i.interaction_id AS id,
     CASE $sort WHEN 'OCCURRED_DESC' THEN i.occurred_at.epochMillis
                WHEN 'OCCURRED_ASC' THEN i.occurred_at.epochMillis
                WHEN 'TOTAL_DESC' THEN i.total END AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN CASE WHEN $after_key IS NULL THEN id < $after_id
                                      ELSE $sort ENDS WITH '_DESC' END
           WHEN $after_key IS NULL THEN NOT $sort ENDS WITH '_DESC'
           WHEN key = $after_key THEN id < $after_id
           WHEN $sort ENDS WITH '_DESC' THEN key > $after_key
           ELSE key < $after_key END
RETURN i {.*, occurred_at: toString(i.occurred_at), performer_deleted: CASE WHEN i.notes IS NULL THEN false ELSE EXISTS { MATCH (p:CustomerRecord)-[:PERFORMED]->(i) WHERE p.deleted_at IS NOT NULL } END, first_seen: null, last_seen: null, last_changed: null} AS item, key, id
ORDER BY CASE WHEN $sort ENDS WITH '_DESC' THEN key END ASC,
         CASE WHEN NOT $sort ENDS WITH '_DESC' THEN key END DESC,
         id DESC
LIMIT $limit
