"""Privacy operations on the graph: erasing a person's data on request (GDPR art. 17)."""

from models.privacy.erasure import ErasureReport, erase

__all__ = ["ErasureReport", "erase"]
