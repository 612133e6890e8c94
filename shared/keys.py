"""A service's secrets kept in files: made on first use (random, readable by the owner only),
read as they are afterwards. Losing one loses what it protects: back them up with the store."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def secret(path: Path, size: int = 32) -> str:
    """The secret in `path`, or a new random one written there (mode 0600) if there is none."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(size))
    text = path.read_text().strip()
    if not text:
        raise ValueError(f"the secret file {path} is empty")
    return text
