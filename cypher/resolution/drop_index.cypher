// Drop one index by name (a blocking-key index, named by key_index_names.cypher).
// Params: $name.
DROP INDEX $name IF EXISTS
