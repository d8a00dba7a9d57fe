"""A believable demo business, exported the way real source systems export: messy and overlapping.

``generate`` writes CRM, shop, catalogue, email, web, ads and marketing files about one hidden
population of people and companies, plus the ground truth that says which records are the same
entity, so entity resolution, cross-sell models and quarantine can be shown and measured on data
that behaves like the real thing. See ``generator.generate`` for the arguments.
"""

from ingestion.demo_data.generator import (
    FILE_NAMES,
    GROUND_TRUTH,
    MANIFEST,
    FileReport,
    GenerationReport,
    generate,
)

__all__ = ["FILE_NAMES", "GROUND_TRUTH", "MANIFEST", "FileReport", "GenerationReport", "generate"]
