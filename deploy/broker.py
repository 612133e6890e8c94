"""RabbitMQ users and permissions for a deployment, derived from the event contracts.

Each service has its own broker user. It may configure and write only its own exchange
and queues; on another team's exchange its topic permission lets it read only the routing
keys (event types) whose contracts name it as a consumer, so the broker itself refuses to
deliver a case routed to another team.

    python -m deploy.broker > deploy/rabbitmq/definitions.json
reads the passwords from OPS_BROKER_PASSWORD_<SERVICE> and OPS_BROKER_PASSWORD_OPERATOR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys

from shared.consumer import dead_letter_queue_name, queue_name
from shared.contracts import REGISTRY

SERVICES = ("intake", "casework", "decisions", "care", "training")
VHOST = "ops"
# nameko RPC: the shared exchange, a service's request queue, callers' reply queues.
_RPC = ("nameko-rpc", r"rpc\.reply-.*")


def _alternatives(names) -> str:
    return "^(" + "|".join(names) + ")$"


def permissions(service: str) -> dict[str, str]:
    own_queues = [re.escape(f"{service}.") + ".*", re.escape(f"rpc-{service}")]
    own_exchange = [re.escape(f"{service}.events")] if REGISTRY.produced_by(service) else []
    upstream_exchanges = [re.escape(f"{u}.events") for u in REGISTRY.upstreams_of(service)]
    return {
        # Consumers declare their upstreams' exchanges (idempotently) before binding to them.
        "configure": _alternatives([*own_exchange, *own_queues, *upstream_exchanges, *_RPC]),
        # Dead letters are published through the default exchange to the service's own queue.
        "write": _alternatives([*own_exchange, *own_queues, "amq\\.default", *_RPC]),
        "read": _alternatives([*own_queues, *upstream_exchanges, *_RPC]),
    }


def topic_permissions(service: str) -> list[dict[str, str]]:
    found = []
    for upstream in REGISTRY.upstreams_of(service):
        types = [re.escape(c.type) for c in REGISTRY.consumed_by(service, producer=upstream)]
        found.append({"exchange": f"{upstream}.events", "write": "^$", "read": _alternatives(types)})
    if REGISTRY.produced_by(service):
        own = [re.escape(c.type) for c in REGISTRY.produced_by(service)]
        found.append({"exchange": f"{service}.events", "write": _alternatives(own), "read": "^$"})
    return found


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = salt if salt is not None else os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(passwords: dict[str, str]) -> dict:
    users = [{"name": s, "password_hash": password_hash(passwords[s]), "tags": []} for s in SERVICES]
    users.append({"name": "operator", "password_hash": password_hash(passwords["operator"]),
                  "tags": ["administrator"]})
    return {
        "users": [{**u, "hashing_algorithm": "rabbit_password_hashing_sha256"} for u in users],
        "vhosts": [{"name": VHOST}],
        "permissions": [
            {"user": s, "vhost": VHOST, **permissions(s)} for s in SERVICES
        ] + [{"user": "operator", "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}],
        "topic_permissions": [
            {"user": s, "vhost": VHOST, **t} for s in SERVICES for t in topic_permissions(s)
        ],
        "exchanges": [
            {"name": f"{s}.events", "vhost": VHOST, "type": "topic", "durable": True, "auto_delete": False,
             "internal": False, "arguments": {}}
            for s in SERVICES if REGISTRY.produced_by(s)
        ],
        "queues": [
            {"name": name, "vhost": VHOST, "durable": True, "auto_delete": False, "arguments": arguments}
            for s in SERVICES for u in REGISTRY.upstreams_of(s)
            for name, arguments in ((queue_name(s, u), {"x-single-active-consumer": True}),
                                    (dead_letter_queue_name(s, u), {}))
        ],
    }


def main() -> int:
    names = {s: f"OPS_BROKER_PASSWORD_{s.upper()}" for s in (*SERVICES, "operator")}
    missing = [v for v in names.values() if not os.environ.get(v)]
    if missing:
        print(f"set {', '.join(missing)} first", file=sys.stderr)
        return 2
    json.dump(definitions({s: os.environ[v] for s, v in names.items()}), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
