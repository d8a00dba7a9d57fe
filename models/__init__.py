"""Models that learn from the graph: entity resolution and link prediction (later issues)."""
