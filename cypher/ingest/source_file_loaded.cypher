// Has a file with exactly this content already been loaded completely? (skip it if so)
// Params: $sha256.   Returns: name, run_id, loaded_at — or nothing.
MATCH (f:SourceFile {sha256: $sha256})
WHERE f.status = 'loaded'
RETURN f.name AS name, f.last_run AS run_id, f.loaded_at AS loaded_at
