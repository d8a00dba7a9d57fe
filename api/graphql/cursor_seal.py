"""Sealed pagination cursors: a cursor's content is encrypted and authenticated (AES-GCM).

Why seal them: a keyset cursor holds the last row's sort key, and some keys are personal data
a caller may not read — a name sort's cursor would hand a marketer the name of a record deleted
at its source, whose fields are masked for them. Base64 hides nothing, and a client that crafts
a cursor chooses where a page starts (or sends values the driver cannot carry). Sealed, a cursor
reveals nothing and only cursors this API issued are accepted; the cost is ~2 µs a cursor.

The key: `MARKETGRAPH_API_CURSOR_SECRET` when set (several hosts serving one API must share
it); otherwise a random key kept in `<state dir>/api/cursor.key`, created on first use, so the
workers of one server (and restarts) accept each other's cursors. Changing the key invalidates
outstanding cursors: clients get "Invalid cursor." and start again from the first page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph.settings import Settings

_NONCE_BYTES = 12
_KEY_BYTES = 32
#: Binds a derived key to this use, so the same secret used elsewhere yields another key.
_PURPOSE = b"marketgraph pagination cursor v1"


class CursorSeal:
    """Seals and opens cursor text with one key."""

    def __init__(self, secret: bytes) -> None:
        key = hashlib.blake2b(secret, digest_size=_KEY_BYTES, person=_PURPOSE[:16]).digest()
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> CursorSeal:
        """The seal for this deployment (see the module docstring for where the key lives)."""
        if settings.api_cursor_secret is not None:
            return cls(settings.api_cursor_secret.get_secret_value().encode())
        return cls(_kept_key(settings.state_dir / "api" / "cursor.key"))

    def seal(self, text: str) -> str:
        """`text` encrypted under a fresh nonce, as URL-safe base64."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, text.encode(), _PURPOSE)
        return base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, cursor: str) -> str:
        """The text inside a cursor this seal made; ValueError for anything else."""
        try:
            raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
            if len(raw) <= _NONCE_BYTES:
                raise ValueError("too short")
            nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
            return self._aead.decrypt(nonce, body, _PURPOSE).decode("utf-8")
        except (InvalidTag, UnicodeError, binascii.Error) as exc:
            raise ValueError("not a cursor sealed by this API") from exc


def _kept_key(path: Path) -> bytes:
    """The key stored at `path`, created (readable by its owner only) if missing; two workers
    starting together agree on one file (exclusive create, the loser reads the winner's)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_whole(path)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
        out.flush()
        os.fsync(out.fileno())
    return key


def _read_whole(path: Path) -> bytes:
    """A key file another worker is writing right now: wait until it holds the whole key."""
    for _ in range(100):
        data = path.read_bytes()
        if len(data) >= _KEY_BYTES:
            return data
        time.sleep(0.01)
    raise RuntimeError(f"{path} holds no whole cursor key; delete it and restart the API")
