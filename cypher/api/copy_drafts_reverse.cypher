// API: copy_drafts.cypher read backwards, for backward pages (`last` / `before`): the rows
// strictly before the cursor row ($after_key, $after_id: the `before` cursor; $after_id null: from
// the end of the list), nearest the cursor first, i.e. in the exact reverse of that file's order:
// key ascending (a null key after every value), ids descending. The API reverses the page back
// into the list's order, so both files give the same rows and cursors.
// Params: those of copy_drafts.cypher (filters);
//   $after_key, $after_id: the cursor row; $limit: int (page size + 1, so the caller
//   sees whether a previous page exists).
// Returns: rows of item, key, id, as copy_drafts.cypher.
MATCH (d:CopyDraft)
WHERE ($status IS NULL OR d.status = $status)
  AND ($customer_id IS NULL OR d.customer_id = $customer_id)
WITH d, d.draft_id AS id, d.created_at.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NOT NULL OR id < $after_id
           WHEN $after_key IS NULL THEN false
           WHEN key = $after_key THEN id < $after_id
           ELSE key > $after_key END
RETURN {draft_id: d.draft_id, channel: d.channel, sku: d.sku, subject: d.subject, body: d.body,
        writer: d.writer, status: d.status, rails_passed: d.rails_passed,
        created_at: toString(d.created_at), reviewed_by: d.reviewed_by} AS item, key, id
ORDER BY key ASC, id DESC
LIMIT $limit
