"""One root exception for marketgraph, with subclasses a caller can act on.

Only `api/` turns these into exit codes, HTTP or GraphQL errors; everything else raises them
with a message that says what went wrong and what to do about it.
"""


class MarketgraphError(Exception):
    """Root of every error marketgraph raises on purpose."""


class ConfigurationError(MarketgraphError):
    """A setting is missing, malformed or unsafe."""


class Neo4jServerError(MarketgraphError):
    """The local Neo4j server could not be installed, started, reached or stopped."""


class MigrationError(MarketgraphError):
    """A schema migration failed or a recorded migration no longer matches its file."""


class ContractError(MarketgraphError):
    """A whole input file cannot be read under any data contract (unknown type, unreadable)."""


class IngestError(MarketgraphError):
    """An ingest run failed after validation (for example the database rejected a batch)."""


class ResolutionError(MarketgraphError):
    """Entity resolution cannot run or an operation on its results is invalid (unknown review,
    nothing to unmerge, a backend that is not installed)."""


class MergedCustomerError(ResolutionError):
    """A customer id that was merged into another, which holds its records now."""


class ModelError(MarketgraphError):
    """A propensity / cross-sell model cannot be trained, scored, promoted or rolled back (no
    unified customers yet, no purchases in a window, an unknown version, a failed drift check)."""


class ModelRefused(ModelError):
    """A promote or rollback declined for a reason the user can act on (a failed drift check,
    nothing to roll back to): its message is written for whoever asked, API clients included;
    `reason` names the case."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class CopyError(MarketgraphError):
    """Personalized copy cannot be written, stored or reviewed as asked (unknown customer,
    product or draft; a review decision the draft's status does not allow)."""


class ConsentError(CopyError):
    """The customer has not consented to the channel asked for, so no copy is written."""


class JobBusyError(MarketgraphError):
    """A refresh job is already running (in this or another process); try again later."""


class LockLostError(JobBusyError):
    """Work lost its lock midway (its lease lapsed and another writer took it) and stopped."""
