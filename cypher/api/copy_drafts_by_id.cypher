// API: drafts by id with everything stored about them (text, status, writer, citations and
// guardrail results as JSON text) and the promoted product's name, for a batch of ids in one
// round trip. Unknown ids give no row.
// Params: $ids: [string].
// Returns: draft (map of CopyDraft properties, datetimes as ISO text), product_name.
UNWIND $ids AS id
MATCH (d:CopyDraft {draft_id: id})
OPTIONAL MATCH (d)-[:PROMOTES]->(p:Product)
RETURN d {.*, created_at: toString(d.created_at), reviewed_at: toString(d.reviewed_at),
          first_seen: toString(d.first_seen), last_seen: toString(d.last_seen)} AS draft,
       p.name AS product_name
