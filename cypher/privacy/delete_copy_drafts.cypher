// Delete the generated copy written for customers an erasure touched: a draft quotes the
// person's name and facts, and is cheap to generate again from what the graph still holds.
// Params: $customer_ids: [string].
// Returns: deleted.
UNWIND $customer_ids AS id
MATCH (d:CopyDraft {customer_id: id})
DETACH DELETE d
RETURN count(*) AS deleted
