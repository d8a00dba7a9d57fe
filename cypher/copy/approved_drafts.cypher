// Approved copy ready to send, with the recipient address and what decides whether it may
// still go: consent is checked again here, at export time, because a person may have
// withdrawn it since the draft was approved (most restrictive wins across their records, as
// when drafting); the customer may have been merged, erased or retired; the product may have
// been discontinued or changed (price, name) since the text quoting it was written (the
// product's content hash then, kept on the draft, against its hash now).
// Drafts exported before are left out unless $again.
// Params: $excluded_statuses: [string], $again: bool.
// Returns: draft_id, customer_id, channel, variant, subject, body, sku, writer,
//   writer_version, approved_by, approved_at, reason, email, phone, consent_email,
//   consent_sms, contactable, customer_status, merged_into, discontinued, product_changed,
//   exported_at.
MATCH (d:CopyDraft {status: 'approved'})-[:FOR]->(c:Customer)
WHERE $again OR d.exported_at IS NULL
OPTIONAL MATCH (r:CustomerRecord)-[:RESOLVES_TO]->(c)
WITH d, c, collect(r) AS records
OPTIONAL MATCH (d)-[:PROMOTES]->(p:Product)
WITH d, c, records, p,
     c.status = 'active' AND coalesce(c.erased, false) = false
       AND coalesce(c.do_not_contact, false) = false AND size(records) > 0
       AND none(r IN records WHERE coalesce(r.status, '') IN $excluded_statuses) AS contactable,
     [r IN records WHERE r.consent_email = true AND r.email IS NOT NULL] AS emailable,
     [r IN records WHERE r.consent_sms = true AND r.phone IS NOT NULL] AS textable
RETURN d.draft_id AS draft_id, c.customer_id AS customer_id, d.channel AS channel,
       d.variant AS variant, d.subject AS subject, d.body AS body, d.sku AS sku,
       d.writer AS writer, d.writer_version AS writer_version, d.reviewed_by AS approved_by,
       toString(d.reviewed_at) AS approved_at, d.review_reason AS reason,
       head([r IN emailable | r.email]) AS email, head([r IN textable | r.phone]) AS phone,
       any(r IN records WHERE r.consent_email = true)
         AND none(r IN records WHERE r.consent_email = false) AS consent_email,
       any(r IN records WHERE r.consent_sms = true)
         AND none(r IN records WHERE r.consent_sms = false) AS consent_sms,
       contactable, c.status AS customer_status, c.merged_into AS merged_into,
       coalesce(p.discontinued, false) AS discontinued,
       CASE WHEN d.product_hash IS NULL  // drafts written before the hash was kept
            THEN coalesce(p.last_changed > d.created_at, false)
            ELSE p.row_hash <> d.product_hash END AS product_changed,
       toString(d.exported_at) AS exported_at
ORDER BY d.reviewed_at, d.draft_id
