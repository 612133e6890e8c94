"""Signing in with the centre's own identity provider (OpenID Connect, authorization code flow
with PKCE): the provider vouches for who the person is and which groups they are in; the
gateway's configuration maps groups to roles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet


class SignInWithProviderFailed(PermissionError):
    """The identity provider's answer could not be checked (state, nonce, signature or audience)."""


@dataclass(frozen=True)
class ProviderSettings:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    groups_claim: str = "groups"

    @classmethod
    def of(cls, config: dict | None) -> "ProviderSettings | None":
        if not config or not config.get("issuer"):
            return None
        return cls(config["issuer"].rstrip("/"), config["client_id"], config.get("client_secret") or "",
                   config["redirect_uri"], config.get("groups_claim") or "groups")


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    name: str
    groups: list[str]


class Provider:
    def __init__(self, settings: ProviderSettings, cookie_key: bytes, timeout: float = 10):
        self.settings = settings
        self._cookie_key = cookie_key
        self.timeout = timeout
        self._metadata: dict | None = None

    def metadata(self) -> dict:
        if self._metadata is None:
            url = f"{self.settings.issuer}/.well-known/openid-configuration"
            self._metadata = requests.get(url, timeout=self.timeout).json()
        return self._metadata

    def start(self) -> tuple[str, str]:
        """The provider's authorization URL, and the signed cookie that remembers this attempt."""
        state, nonce, verifier = (secrets.token_urlsafe(24) for _ in range(3))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": self.settings.client_id, "scope": "openid profile",
                           "redirect_uri": self.settings.redirect_uri, "state": state, "nonce": nonce,
                           "code_challenge": challenge, "code_challenge_method": "S256"})
        attempt = {"state": state, "nonce": nonce, "verifier": verifier, "until": time.time() + 600}
        return f"{self.metadata()['authorization_endpoint']}?{query}", self._sign(attempt)

    def finish(self, code: str, state: str, cookie: str | None) -> Identity:
        attempt = self._verify(cookie)
        if not attempt or not hmac.compare_digest(attempt["state"], state or "") or time.time() > attempt["until"]:
            raise SignInWithProviderFailed("this sign-in was not started here or took too long; start again")
        token = requests.post(self.metadata()["token_endpoint"], timeout=self.timeout, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.settings.redirect_uri,
            "client_id": self.settings.client_id, "client_secret": self.settings.client_secret,
            "code_verifier": attempt["verifier"]}).json()
        if "id_token" not in token:
            raise SignInWithProviderFailed(f"the provider gave no identity ({token.get('error', 'no id_token')})")
        keys = KeySet.import_key_set(requests.get(self.metadata()["jwks_uri"], timeout=self.timeout).json())
        try:
            claims = jwt.decode(token["id_token"], keys).claims
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": self.settings.issuer},
                                  aud={"essential": True, "value": self.settings.client_id},
                                  nonce={"essential": True, "value": attempt["nonce"]},
                                  exp={"essential": True}).validate(claims)
        except JoseError as error:
            raise SignInWithProviderFailed(f"the provider's identity token does not check out: "
                                           f"{type(error).__name__}") from None
        groups = claims.get(self.settings.groups_claim) or []
        return Identity(self.settings.issuer, str(claims["sub"]), str(claims.get("name") or claims["sub"]),
                        [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [])

    def _sign(self, attempt: dict) -> str:
        body = base64.urlsafe_b64encode(json.dumps(attempt).encode()).decode()
        return f"{body}.{hmac.new(self._cookie_key, body.encode(), hashlib.sha256).hexdigest()}"

    def _verify(self, cookie: str | None) -> dict | None:
        body, _, signature = (cookie or "").rpartition(".")
        expected = hmac.new(self._cookie_key, body.encode(), hashlib.sha256).hexdigest()
        if not body or not hmac.compare_digest(signature, expected):
            return None
        return json.loads(base64.urlsafe_b64decode(body))
