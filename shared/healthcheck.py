"""The container's health check: `python -m shared.healthcheck [port]` exits 0 when the service
on that port (default $OPS_HEALTH_PORT, else 8000) says it can work: its store answers and its
workers are connected to the broker (`GET /health` → "status": "ok"); 1 otherwise, with why.
Over HTTPS when $OPS_HEALTH_CA_FILE names the CA of the service's certificate (the gateway's)."""

from __future__ import annotations

import json
import os
import ssl
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    port = int(argv[0]) if argv else int(os.environ.get("OPS_HEALTH_PORT", "8000"))
    ca_file = os.environ.get("OPS_HEALTH_CA_FILE")
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    try:
        with urllib.request.urlopen(f"{'https' if ca_file else 'http'}://127.0.0.1:{port}/health", timeout=5,
                                    context=context) as response:
            status = json.load(response).get("status")
    except urllib.error.HTTPError as error:
        status = f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        print(f"no answer on port {port}: {type(error).__name__}", file=sys.stderr)
        return 1
    if status != "ok":
        print(f"status: {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
