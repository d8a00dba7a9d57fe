// Which of these file contents were loaded completely before, so that a refresh whose inbox
// holds nothing else records no ingest run. `loaded_at`, not `status`, is the test, as in
// ingest/source_file_loaded.cypher (a later run that skipped the file sets 'skipped').
// Params: $sha256s: [string] (hex SHA-256 of each file's bytes).
// Returns: sha256, one row per content loaded before.
MATCH (f:SourceFile)
WHERE f.sha256 IN $sha256s AND f.loaded_at IS NOT NULL
RETURN f.sha256 AS sha256
