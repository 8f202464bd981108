"""The keys that sign access tokens: one current key that signs, and the keys it replaced,
still accepted until every token they signed has expired.

Where they come from, first that applies:

1. `SURPLUS_SECRET_KEY` (and `SURPLUS_PREVIOUS_SECRET_KEY` while rotating): an operator's
   secret, at least 32 characters, never one published in this repository.
2. A key file (`SURPLUS_KEY_FILE`, or `<database>.keys` beside a SQLite database file):
   256 random bits generated on first use and written with mode 0600, so only the account
   that owns the database can read it. `surplus admin key rotate` adds a new key and
   retires the old one.
3. Otherwise the service refuses to start and says how to set one.

Every token names its key (`kid` in the JWT header); a token whose key is unknown or whose
grace period is over is refused. Processes notice a rotation within `RELOAD_S` seconds.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from surplus.errors import SurplusError
from surplus.settings import Settings

KEY_BYTES = 32
RELOAD_S = 1.0
FILE_FORMAT = 1
HOW_TO_SET = (
    "set SURPLUS_SECRET_KEY (for example `openssl rand -base64 48`) or SURPLUS_KEY_FILE "
    "(a path this account can write; a key is generated there on first use)"
)


class SigningKeyError(SurplusError):
    """The signing keys cannot be read, made or trusted; the message says what to do."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: bytes
    created_at: datetime
    retired_at: datetime | None = None  # None: the current key


@dataclass(frozen=True)
class KeySet:
    """The current key and every key still accepted (the current one included)."""

    current: SigningKey
    keys: tuple[SigningKey, ...]
    grace: timedelta
    configured: frozenset[str] = frozenset()  # kept while the operator's settings name them

    def accepted(self, kid: str, now: datetime) -> SigningKey | None:
        for key in self.keys:
            if key.kid != kid:
                continue
            if key.retired_at is None or kid in self.configured:
                return key
            return key if now < key.retired_at + self.grace else None
        return None


def key_file_path(settings: Settings) -> Path | None:
    """Where a generated key lives: SURPLUS_KEY_FILE, else beside a SQLite database file."""
    if settings.key_file:
        return Path(settings.key_file)
    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        return None
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # a SQLite URI names the file after its scheme
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database + ".keys")


def _kid_of_secret(secret: str) -> str:
    return "s-" + hashlib.sha256(b"surplus-kid:" + secret.encode()).hexdigest()[:16]


def _from_secret(secret: str, retired_at: datetime | None) -> SigningKey:
    # The HMAC key is a hash of the secret, so any length of secret gives a 256-bit key.
    key = hashlib.sha256(secret.encode()).digest()
    return SigningKey(_kid_of_secret(secret), key, datetime.min.replace(tzinfo=UTC), retired_at)


KEPT_WHILE_SET = datetime.min.replace(tzinfo=UTC)


# -- the key file -------------------------------------------------------------------------


def _encode(keys: list[SigningKey]) -> bytes:
    entries = [
        {
            "kid": key.kid,
            "key": base64.urlsafe_b64encode(key.key).decode(),
            "created_at": key.created_at.isoformat(),
            "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        }
        for key in keys
    ]
    return json.dumps({"format": FILE_FORMAT, "keys": entries}, indent=2).encode() + b"\n"


def _decode(path: Path, raw: bytes) -> list[SigningKey]:
    try:
        document = json.loads(raw)
        keys = [
            SigningKey(
                str(entry["kid"]),
                base64.urlsafe_b64decode(entry["key"]),
                datetime.fromisoformat(entry["created_at"]),
                datetime.fromisoformat(entry["retired_at"]) if entry["retired_at"] else None,
            )
            for entry in document["keys"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise SigningKeyError(f"key file {path} is not a surplus key file ({error})") from None
    current = [key for key in keys if key.retired_at is None]
    if len(current) != 1 or any(len(key.key) < KEY_BYTES for key in keys):
        raise SigningKeyError(f"key file {path} must hold one current key of {KEY_BYTES} bytes")
    return keys


def new_key(now: datetime) -> SigningKey:
    return SigningKey("k-" + secrets.token_hex(8), secrets.token_bytes(KEY_BYTES), now)


def _check_private(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise SigningKeyError(f"key file {path} is not a regular file")
    if info.st_mode & 0o077:
        mode = oct(info.st_mode & 0o777)
        raise SigningKeyError(
            f"key file {path} can be read by other accounts (mode {mode}): run `chmod 600 {path}`"
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SigningKeyError(f"key file {path} belongs to another account (uid {info.st_uid})")


def _write_private(path: Path, content: bytes) -> Path:
    """Write `content` to a new file beside `path` readable by this account only."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def read_or_create(path: Path, now: datetime) -> list[SigningKey]:
    """The keys in `path`, creating the file with one new key when there is none.

    Several processes starting at once agree on one key: the file appears whole, by a
    hard link that fails if another process linked its file first."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    if not path.parent.is_dir():
        raise SigningKeyError(f"cannot keep a signing key in {path}: no directory {path.parent}")
    temporary = _write_private(path, _encode([new_key(now)]))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError as error:
        raise SigningKeyError(
            f"cannot write the signing key file {path}: {error.strerror}"
        ) from None
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> list[SigningKey]:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        if error.errno == errno.ENOENT:
            raise FileNotFoundError(path) from None
        if error.errno == errno.ELOOP:
            raise SigningKeyError(
                f"key file {path} is a symbolic link; name the file itself"
            ) from None
        raise SigningKeyError(f"cannot read the key file {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        _check_private(path, os.fstat(handle.fileno()))
        return _decode(path, handle.read())


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Rotations one at a time (an advisory lock on a file beside the key file)."""
    lock_path = path.with_name(path.name + ".lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class Rotation:
    key_file: str
    new_kid: str
    retired_kids: list[str]
    previous_accepted_until: datetime | None


def rotate(settings: Settings, now: datetime, revoke_previous: bool = False) -> Rotation:
    """Retire the current key and make a new one. Tokens the retired keys signed stay valid
    for one token lifetime, or stop at once with `revoke_previous` (a leaked key)."""
    if settings.secret_key:
        raise SigningKeyError(
            "the signing key comes from SURPLUS_SECRET_KEY: set a new one and move the old "
            "one to SURPLUS_PREVIOUS_SECRET_KEY for one token lifetime (SURPLUS_TOKEN_LIFETIME_S)"
        )
    path = key_file_path(settings)
    if path is None:
        raise SigningKeyError(f"no signing key file to rotate: {HOW_TO_SET}")
    grace = timedelta(seconds=settings.token_lifetime_s + RELOAD_S)
    with _locked(path):
        keys = read_or_create(path, now)
        retired = [
            SigningKey(key.kid, key.key, key.created_at, key.retired_at or now) for key in keys
        ]
        if revoke_previous:
            kept = []
        else:  # keys whose grace is over are dropped from the file
            kept = [key for key in retired if key.retired_at and now < key.retired_at + grace]
        fresh = new_key(now)
        temporary = _write_private(path, _encode([fresh, *kept]))
        os.replace(temporary, path)
    until = now + grace if kept else None
    return Rotation(str(path), fresh.kid, [key.kid for key in kept], until)


# -- the keys of a running process -----------------------------------------------------------


class KeyRing:
    """The signing keys for one configuration, re-read from the key file when it changes."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.grace = timedelta(seconds=settings.token_lifetime_s + RELOAD_S)
        self.clock = clock
        self._lock = threading.Lock()
        self._checked_at = clock()
        self._path: Path | None = None
        self._stamp: tuple[int, int, int] | None = None
        if settings.secret_key:
            settings.check_secrets()
            keys = [_from_secret(settings.secret_key, None)]
            if settings.previous_secret_key:  # accepted for as long as it is set
                keys.append(_from_secret(settings.previous_secret_key, KEPT_WHILE_SET))
            self._set(keys, frozenset(key.kid for key in keys))
            return
        self._path = key_file_path(settings)
        if self._path is None:
            raise SigningKeyError(f"no key signs access tokens: {HOW_TO_SET}")
        self._set(read_or_create(self._path, datetime.now(UTC)))
        self._stamp = self._file_stamp()

    def _set(self, keys: list[SigningKey], configured: frozenset[str] = frozenset()) -> None:
        current = next(key for key in keys if key.retired_at is None)
        self._keys = KeySet(current, tuple(keys), self.grace, configured)

    def _file_stamp(self) -> tuple[int, int, int] | None:
        assert self._path is not None
        try:
            info = self._path.stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def keys(self) -> KeySet:
        """The keys now, re-reading the key file at most every RELOAD_S seconds when it
        has changed (a rotation by another process)."""
        if self._path is not None and self.clock() - self._checked_at >= RELOAD_S:
            self.refresh()
        return self._keys

    def refresh(self) -> None:
        """Re-read the key file now if it changed since it was read."""
        if self._path is None:
            return
        with self._lock:
            stamp = self._file_stamp()
            if stamp != self._stamp and stamp is not None:
                self._set(_read(self._path))
                self._stamp = stamp
            self._checked_at = self.clock()


_rings: dict[tuple[Any, ...], KeyRing] = {}
_by_settings: dict[int, tuple[Settings, KeyRing]] = {}
_making = threading.Lock()


def keyring(settings: Settings) -> KeyRing:
    """The process's key ring for these settings (made, and the key file created, once).

    Looked up by the settings object first: every request verifies a token, and working
    out the key file's path from the database URL each time would cost more than that."""
    known = _by_settings.get(id(settings))
    if known is not None and known[0] is settings:
        return known[1]
    identity = (
        settings.secret_key,
        settings.previous_secret_key,
        str(key_file_path(settings)),
        settings.token_lifetime_s,
    )
    with _making:
        ring = _rings.get(identity)
        if ring is None:
            ring = _rings[identity] = KeyRing(settings)
        if len(_by_settings) > 1000:
            _by_settings.clear()
        _by_settings[id(settings)] = (settings, ring)
    return ring
