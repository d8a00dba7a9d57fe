// Drafts, newest first, optionally only one status and/or one customer.
// Params: $status: string or null, $customer_id: string or null, $limit: int.
// Returns: draft_id, customer_id, sku, channel, variant, writer, writer_version, status,
//   subject, body, created_at, reviewed_by, review_reason, rails_passed.
MATCH (d:CopyDraft)
WHERE ($status IS NULL OR d.status = $status)
  AND ($customer_id IS NULL OR d.customer_id = $customer_id)
RETURN d.draft_id AS draft_id, d.customer_id AS customer_id, d.sku AS sku,
       d.channel AS channel, d.variant AS variant, d.writer AS writer,
       d.writer_version AS writer_version, d.status AS status, d.subject AS subject,
       d.body AS body, toString(d.created_at) AS created_at, d.reviewed_by AS reviewed_by,
       d.review_reason AS review_reason, d.rails_passed AS rails_passed
ORDER BY d.created_at DESC, d.draft_id
LIMIT $limit
