// One draft with everything stored about it (for `copy show` and review decisions).
// Params: $draft_id: string.
// Returns: one row or none: the draft's properties as a map, plus product name and price.
MATCH (d:CopyDraft {draft_id: $draft_id})
OPTIONAL MATCH (d)-[:PROMOTES]->(p:Product)
RETURN d {.*, created_at: toString(d.created_at), reviewed_at: toString(d.reviewed_at),
          first_seen: toString(d.first_seen), last_seen: toString(d.last_seen)} AS draft,
       p.name AS product_name, p.price AS price
