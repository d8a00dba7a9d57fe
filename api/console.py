"""Console plumbing for the CLI: logging set-up, progress bars, and error rendering.

Handlers are configured here only (entry points), never in library modules. Console mode
renders logs with rich; JSON mode emits one structured JSON object per line for log shippers.
"""

from __future__ import annotations

import getpass
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from graph.settings import Settings

console = Console(stderr=False)
err_console = Console(stderr=True)


def configure_logging(settings: Settings) -> None:
    """Route every `logging.getLogger(__name__)` record to rich (console) or JSON lines."""
    root = logging.getLogger()
    root.handlers.clear()
    if settings.log_format == "json":
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processor=structlog.processors.JSONRenderer(),
                foreign_pre_chain=[
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.add_logger_name,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                ],
            )
        )
    else:
        handler = RichHandler(console=err_console, show_path=False, rich_tracebacks=False)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for noisy in ("neo4j", "urllib3", "faker"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if root.level >= logging.INFO:
        # Splink warns about every m value it cannot train on a small demo; the resolution
        # summary says what matters. MARKETGRAPH_LOG_LEVEL=DEBUG shows them again.
        logging.getLogger("splink").setLevel(logging.ERROR)


class RowProgress:
    """A rich progress bar with one task per label, fed as `callback(label, done, total)`."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if label not in self._tasks:
            self._tasks[label] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[label], completed=done, total=total)


@contextmanager
def row_progress(enabled: bool = True) -> Iterator[RowProgress]:
    """Progress bars for long CLI work (disabled when not a terminal or when asked)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not enabled or not err_console.is_terminal,
    )
    with progress:
        yield RowProgress(progress)


def current_user() -> str:
    """Who runs the command, for "decided by" / "promoted by" fields in the graph."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
