// The names of the range indexes on a label's blocking keys (properties rk_*), which a full run
// that rewrites most keys drops before its write and recreates after it.
// Params: $label: 'CustomerRecord' | 'AccountRecord'.   Returns: name.
SHOW RANGE INDEXES YIELD name, labelsOrTypes, properties
WHERE $label IN labelsOrTypes AND any(p IN properties WHERE p STARTS WITH 'rk_')
RETURN name
