"""Detached Ed25519 signatures of exported audit logs (docs/architecture.md, "Tamper-evident").

The signing key is a secret file like the service's others (shared/keys.py `secret`: made on first
use, mode 0600): its 32 random bytes are the Ed25519 private key. Its public key is written beside
it (`KEY.pub`, base64), for auditors. A signature is `FILE.sig`: base64 of Ed25519 over the file's
bytes, so the whole file is covered, header and closing line included.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shared.keys import secret


class SignatureInvalid(ValueError):
    """The file's signature is missing, or not made over these bytes by the key whose public half was given."""


def signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key in `path`, made there (mode 0600) if there is none; its public key beside it."""
    path = Path(path)
    private = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(secret(path, 32) + "="))
    public = path.with_name(path.name + ".pub")
    if not public.exists():
        public.write_text(public_text(private.public_key()) + "\n")
    return private


def public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def signature_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".sig")


def sign(path: Path, key_file: Path) -> str:
    """Writes `path`.sig; returns the public key (base64) that checks it."""
    key = signing_key(key_file)
    signature_path(path).write_text(base64.b64encode(key.sign(Path(path).read_bytes())).decode() + "\n")
    return public_text(key.public_key())


def check(path: Path, public_key_file: Path) -> None:
    """SignatureInvalid unless `path`.sig is the signature of `path`'s bytes by that public key."""
    try:
        signature = base64.b64decode(signature_path(path).read_text().strip(), validate=True)
    except FileNotFoundError:
        raise SignatureInvalid(f"{path} has no signature ({signature_path(path).name} is missing)") from None
    except ValueError:
        raise SignatureInvalid(f"{signature_path(path).name} is not a signature") from None
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(Path(public_key_file).read_text().strip()))
    except ValueError:
        raise SignatureInvalid(f"{public_key_file} is not an Ed25519 public key") from None
    try:
        key.verify(signature, Path(path).read_bytes())
    except InvalidSignature:
        raise SignatureInvalid(f"{path} was not signed by this key, or was changed after it was signed") from None
