// Has a file with exactly this content already been loaded completely? (skip it if so)
// `loaded_at` is set by a complete load and kept when a later run skips the file (its
// `status` then says 'skipped'), so it, not `status`, is the test.
// Params: $sha256.   Returns: name, run_id, loaded_at — or nothing.
MATCH (f:SourceFile {sha256: $sha256})
WHERE f.loaded_at IS NOT NULL
RETURN f.name AS name, f.last_run AS run_id, f.loaded_at AS loaded_at
