"""Getting source-system exports into the graph: demo data, data contracts, quarantine, loading."""
