"""A service's secrets kept in files: made on first use (random, readable by the owner only),
read as they are afterwards. Losing one loses what it protects: back them up with the store.

The store's key ring (docs/architecture.md, "Encrypted at rest") is such a file too: one AES-GCM
key a line (base64 of 32 random bytes), the first encrypting from now on, every one decrypting."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any, Iterable, Mapping

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

STORE_KEY_SIZE = 32  # bytes: AES-256


class StoreKeyMissing(LookupError):
    """The store holds events and its key file is not there: a new key would not open them."""


class StoreKeyWrong(ValueError):
    """No key of the store's key file opens the store's events."""


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def secret(path: Path, size: int = 32) -> str:
    """The secret in `path`, or a new random one written there (mode 0600) if there is none."""
    path = Path(path)
    if not path.exists():
        _write_new(path, secrets.token_urlsafe(size))
    text = path.read_text().strip()
    if not text:
        raise ValueError(f"the secret file {path} is empty")
    return text


def store_key_path(secrets_dir: Path, service: str) -> Path:
    """Where a service keeps its store's key ring unless the operator names another file."""
    return Path(secrets_dir) / f"{service}-store.key"


def key_ring(path: Path) -> list[str]:
    """The keys in a key file, the current one first; StoreKeyMissing if there is no such file."""
    try:
        keys = Path(path).read_text().split()
    except FileNotFoundError:
        raise StoreKeyMissing(f"the store's key file {path} is missing: restore it from the backup "
                              f"(a new key would not open the stored events)") from None
    if not keys:
        raise StoreKeyWrong(f"the store's key file {path} is empty")
    return keys


def new_key_ring(path: Path) -> list[str]:
    """A key file with one new key (for a new store), unless another process made one first: the
    file appears whole (linked once written), and one that is there is never replaced."""
    path = Path(path)
    staged = path.with_name(f".{path.name}.{os.getpid()}.new")
    staged.unlink(missing_ok=True)
    _write_new(staged, AESCipher.create_key(STORE_KEY_SIZE) + "\n")
    try:
        os.link(staged, path)
    except FileExistsError:
        pass
    finally:
        staged.unlink()
    return key_ring(path)


def rotate(path: Path) -> list[str]:
    """Puts a new key first in the key file; the old ones stay, so the events they encrypted still open."""
    path = Path(path)
    keys = [AESCipher.create_key(STORE_KEY_SIZE), *key_ring(path)]
    staged = path.with_name(f".{path.name}.new")
    staged.unlink(missing_ok=True)
    _write_new(staged, "\n".join(keys) + "\n")
    owner = path.stat()
    if os.geteuid() == 0:  # the service's user (a compose secret's owner) must still read it
        os.chown(staged, owner.st_uid, owner.st_gid)
    os.replace(staged, path)  # a crash leaves the old file or the new one, never half of one
    return keys


def is_plaintext(state: bytes) -> bool:
    """Whether a stored event's state is eventsourcing's JSON in clear (random bytes never are)."""
    try:
        return isinstance(json.loads(state), dict)
    except ValueError:  # not UTF-8, or not JSON
        return False


def enciphered(rows: Iterable[Mapping[str, Any]], cipher: Cipher) -> list[tuple[bytes, int]]:
    """(encrypted state, id) of each row (`id`, `state`) stored in clear, for an UPDATE."""
    return [(cipher.encrypt(row["state"]), row["id"]) for row in rows if is_plaintext(row["state"])]


class KeyRingCipher(AESCipher):
    """eventsourcing's AES-GCM cipher (the `cryptography` package) with several keys in CIPHER_KEY,
    separated by white space: it encrypts with the first, and decrypts with whichever key's GCM
    tag matches, so events written before a rotation stay readable."""

    def __init__(self, environment: Environment):
        keys = (environment.get(self.CIPHER_KEY) or "").split()
        self.ring = [AESCipher(Environment(environment.name, {self.CIPHER_KEY: key})) for key in keys]
        if not self.ring:
            raise StoreKeyWrong("the store's key ring is empty")
        self.key = self.ring[0].key

    def decrypt(self, ciphertext: bytes) -> bytes:
        for cipher in self.ring:
            try:
                return cipher.decrypt(ciphertext)
            except ValueError:  # its tag does not match: another key's, or damaged
                continue
        raise StoreKeyWrong("no key of the store's key ring opens this event")
