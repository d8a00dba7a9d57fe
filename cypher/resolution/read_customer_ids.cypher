// Every Customer id ever issued (active or retired), so a freshly minted id never reuses one.
// One row holding a list: the driver's Python costs ~40 µs per result row, so 741k ids as
// rows took ~30 s at 1M records and as one list ~1 s.
// Params: none.   Returns: ids: [string].
MATCH (e:Customer)
RETURN collect(e.customer_id) AS ids
