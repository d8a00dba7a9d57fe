// Delete up to $limit relationships of the data graph. Call repeatedly until it returns 0,
// before delete_data_batch: DETACH DELETE of a node with ~10^6 relationships (a campaign or a
// product after a 1M-interaction load) does not fit in one transaction's memory on a 4g heap.
// Params: $limit: int.   Returns: deleted.
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
