// API: one page of generated copy drafts, newest first (key: created_at), after a keyset cursor
// (the copyDrafts connection). Rows sort by `key` descending (a null key before every value, as
// Neo4j orders descending), then by draft_id ascending; the page starts after the row
// ($after_key, $after_id): no SKIP and no count (copy_drafts_count.cypher counts, only when a
// client selects totalCount). The datetime key is epochMillis, a plain JSON value a cursor
// carries exactly.
// Params: $status: string|null; $customer_id: string|null;
//   $after_key: the previous page's last key; $after_id: its draft_id, null on the first page;
//   $limit: int (page size + 1, so the caller sees whether a next page exists).
// Returns: rows of item ({draft_id, channel, sku, subject, body, writer, status, rails_passed,
//   created_at (ISO text), reviewed_by}), key, id.
MATCH (d:CopyDraft)
WHERE ($status IS NULL OR d.status = $status)
  AND ($customer_id IS NULL OR d.customer_id = $customer_id)
WITH d, d.draft_id AS id, d.created_at.epochMillis AS key
WHERE $after_id IS NULL
   OR CASE WHEN key IS NULL THEN $after_key IS NULL AND id > $after_id
           WHEN $after_key IS NULL THEN true
           WHEN key = $after_key THEN id > $after_id
           ELSE key < $after_key END
RETURN {draft_id: d.draft_id, channel: d.channel, sku: d.sku, subject: d.subject, body: d.body,
        writer: d.writer, status: d.status, rails_passed: d.rails_passed,
        created_at: toString(d.created_at), reviewed_by: d.reviewed_by} AS item, key, id
ORDER BY key DESC, id ASC
LIMIT $limit
