"""Models that learn from the graph (entity resolution, link prediction) — filled by later issues."""
