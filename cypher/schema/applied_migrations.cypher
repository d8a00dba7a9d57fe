// The migrations already applied to this database, with the checksum of the file applied.
// Params: none.   Returns: version, checksum.
MATCH (m:Migration)
RETURN m.version AS version, m.checksum AS checksum
ORDER BY version
