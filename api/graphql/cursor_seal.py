"""Sealed pagination cursors: a cursor's content is encrypted and authenticated (AES-GCM-SIV).

Why seal them: a keyset cursor holds the last row's sort key, and some keys are personal data
a caller may not read — a name sort's cursor would hand a marketer the name of a record deleted
at its source, whose fields are masked for them. Base64 hides nothing, and a client that crafts
a cursor chooses where a page starts (or sends values the driver cannot carry). Sealed, a cursor
reveals nothing and only cursors this API issued are accepted; the cost is ~4 µs a cursor.
AES-GCM-SIV rather than AES-GCM: the nonce is derived from the cursor's text (so a row's cursor
is the same in every response) under one long-lived key; GCM-SIV is built for that use, where
a repeated nonce only shows that two cursors are the same, which they then are.

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
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV

from graph.errors import ConfigurationError
from graph.settings import Settings

_NONCE_BYTES = 12
_KEY_BYTES = 32
#: The shortest MARKETGRAPH_API_CURSOR_SECRET taken: short secrets can be guessed offline.
_MIN_SECRET_CHARS = 32
#: Binds a derived key to this use, so the same secret used elsewhere yields another key.
_PURPOSE = b"marketgraph pagination cursor v1"


class CursorSeal:
    """Seals and opens cursor text with one key."""

    def __init__(self, secret: bytes) -> None:
        key = hashlib.blake2b(secret, digest_size=_KEY_BYTES, person=_PURPOSE[:16]).digest()
        self._aead = AESGCMSIV(key)
        self._nonce_key = hashlib.blake2b(
            secret, digest_size=32, person=b"cursor nonce v1"
        ).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> CursorSeal:
        """The seal for this deployment (see the module docstring for where the key lives)."""
        if settings.api_cursor_secret is not None:
            secret = settings.api_cursor_secret.get_secret_value()
            if len(secret) < _MIN_SECRET_CHARS:
                raise ConfigurationError(
                    f"MARKETGRAPH_API_CURSOR_SECRET has {len(secret)} characters; give at least "
                    f"{_MIN_SECRET_CHARS} random ones (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))'`), or unset it to keep a key on disk"
                )
            return cls(secret.encode())
        return cls(_kept_key(settings.state_dir / "api" / "cursor.key"))

    def seal(self, text: str) -> str:
        """`text` encrypted, as URL-safe base64; the same text always gives the same cursor
        (the nonce is a keyed hash of the text), so a row's cursor is stable across requests,
        as clients that key a cache on cursors expect."""
        data = text.encode()
        nonce = hashlib.blake2b(data, key=self._nonce_key, digest_size=_NONCE_BYTES).digest()
        sealed = nonce + self._aead.encrypt(nonce, data, _PURPOSE)
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
    """The key stored at `path`, created (readable by its owner only) if missing.

    The file appears whole or not at all (written aside, then hard-linked into place), so two
    workers starting together agree on one key and none reads a half-written one; a file too
    short to be a key (edited, truncated) is refused rather than used."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = _create_key(path)
    if len(key) < _KEY_BYTES:
        raise ConfigurationError(
            f"{path} holds {len(key)} bytes, not a cursor key ({_KEY_BYTES}); delete it and "
            "restart the API (outstanding cursors become invalid)"
        )
    return key


def _create_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(_KEY_BYTES)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(aside, path)  # atomic, and refuses to replace a key another worker made
        except FileExistsError:
            return path.read_bytes()
        except OSError as exc:  # a file system without hard links
            raise ConfigurationError(
                f"cannot keep the API's cursor key at {path} ({exc}); set "
                "MARKETGRAPH_API_CURSOR_SECRET to 32+ random characters instead"
            ) from exc
    finally:
        aside.unlink(missing_ok=True)
    return key
