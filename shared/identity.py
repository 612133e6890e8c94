"""Who is asking: the roles of the centre's staff, and the short-lived token the gateway signs
for one service at a time, which every service verifies itself (docs/architecture.md,
"Identity at the door").

The gateway signs with an Ed25519 key (EdDSA JWT); services hold only the public keys, in
one PEM file that may list two during a rotation. A token names the member of staff, their
roles and team, the one service it is for (audience) and expires in a minute or two.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey



TOKEN_LIFETIME_S = 90
KEYS_MAX_AGE_S = 60
ALGORITHM = "EdDSA"


class Unauthenticated(Exception):
    """No valid token from the gateway: missing, expired, signed by another key or for another service."""


@dataclass(frozen=True)
class Staff:
    """A signed-in member of staff, as the gateway's token names them, asking through one request."""

    id: str
    name: str
    roles: frozenset[str]
    team: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class TokenIssuer:
    """The gateway's side: signs a token for one service."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        self.kid = key_id(private_key.public_key())

    def mint(self, staff: Staff, audience: str, lifetime: int = TOKEN_LIFETIME_S) -> str:
        now = int(time.time())
        claims = {"sub": staff.id, "name": staff.name, "roles": sorted(staff.roles), "team": staff.team,
                  "aud": audience, "iss": "ops-gateway", "iat": now, "nbf": now - 5, "exp": now + lifetime,
                  "jti": staff.request_id}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})


class TokenVerifier:
    """A service's side: checks the gateway's signature, the audience and the expiry, against the
    public keys file, read again every minute and when a token names a key it does not know."""

    def __init__(self, public_keys_file: str | Path):
        self.path = Path(public_keys_file)
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._read_at = float("-inf")
        self._lock = threading.Lock()

    def _reload(self, older_than: float) -> None:
        with self._lock:
            if time.monotonic() - self._read_at < older_than:
                return
            self._read_at = time.monotonic()
            try:
                self._keys = {key_id(k): k for k in read_public_keys(self.path)}
            except OSError:
                self._keys = {}

    def verify(self, token: str | None, audience: str) -> Staff:
        if not token:
            raise Unauthenticated("sign in at the gateway: this service answers only requests it forwards")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            # A key the file no longer lists stops being trusted within a minute; a new one is
            # looked for at once (at most every 5 s).
            self._reload(older_than=5 if kid not in self._keys else KEYS_MAX_AGE_S)
            key = self._keys.get(kid)
            if key is None:
                raise Unauthenticated("the token is signed by a key this service does not trust")
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=audience, issuer="ops-gateway",
                                options={"require": ["exp", "iat", "aud", "sub", "iss"]}, leeway=5)
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the token is not valid here: {type(error).__name__}") from None
        roles = claims.get("roles")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthenticated("the token names no roles")
        return Staff(id=str(claims["sub"]), name=str(claims.get("name") or ""), roles=frozenset(roles),
                     team=claims.get("team"), request_id=str(claims.get("jti") or uuid.uuid4().hex))


def read_public_keys(path: Path) -> list[Ed25519PublicKey]:
    text = path.read_text()
    blocks = [b for b in text.split("-----END PUBLIC KEY-----") if "-----BEGIN PUBLIC KEY-----" in b]
    return [serialization.load_pem_public_key((b.strip() + "\n-----END PUBLIC KEY-----\n").encode()) for b in blocks]


def _public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


SIGNING_KEY = "gateway-signing-key.pem"
PUBLIC_KEYS = "gateway-public-keys.pem"


def signing_key(secrets_dir: Path) -> Ed25519PrivateKey:
    """The gateway's signing key, made with its public keys file on first use."""
    path = Path(secrets_dir) / SIGNING_KEY
    if not path.exists():
        return rotate_signing_key(secrets_dir)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def rotate_signing_key(secrets_dir: Path) -> Ed25519PrivateKey:
    """A new signing key; the public keys file then lists the new key and the one before it, so
    services accept tokens of both until the old ones have expired (a couple of minutes)."""
    folder = Path(secrets_dir)
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    public_path = folder / PUBLIC_KEYS
    previous = read_public_keys(public_path)[:1] if public_path.exists() else []
    _write_private(folder / SIGNING_KEY, key)
    public_path.write_text("".join(_public_pem(k) for k in (key.public_key(), *previous)))
    return key


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    temporary = path.with_suffix(".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    temporary.replace(path)
