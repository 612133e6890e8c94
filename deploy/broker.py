"""The broker's definitions for a deployment, derived from the event contracts: users, least-
privilege permissions, and the whole topology (exchanges, queues, bindings), which the broker
loads at boot and the services only check.

Each service has its own account. It may configure nothing but the exclusive reply queue the
server names for it; it may publish its own event types on its own exchange, its dead letters
on its own dead-letter exchange, log requests under its own name to its upstreams, and log
replies to its readers; it may read its own queues and the log replies addressed to it. No
account but the operator's may write to the default exchange, so nothing reaches a queue but
through a binding the operator made.

    python -m deploy.broker --secrets deploy/secrets > deploy/rabbitmq/definitions.json   (compose)
writes them with each account's password hashed, the passwords taken from the files
`python -m deploy.secrets` made (the same files compose hands each service as its secret).

    python -m deploy.broker --apply [--vhost ops] [--secrets var/secrets] [--queue-type quorum]
loads them into the broker on this machine (`make up`, `make demo`), with passwords kept in
files of the secrets folder (made on first use), and prints nothing secret.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.broker import (
    OPERATOR,
    SERVICES,
    Accounts,
    dead_letter_exchange,
    dead_letter_sources,
    events_exchange,
    log_exchange,
    log_readers,
    log_replies_exchange,
    log_sources,
    log_request_queue_name,
    queue_name,
    topology,
    ui_feeds,
    ui_types,
)
from shared.contracts import REGISTRY
from shared.keys import secret

VHOST = "ops"
# Classic queues live on one node; quorum queues are replicated to every node of a cluster (a
# majority confirms each message), and work on a single broker too.
CLASSIC, QUORUM = "classic", "quorum"
QUEUE_TYPES = (CLASSIC, QUORUM)
NOTHING = "^$"
REPLY_QUEUES = r"amq\.gen-.*"  # server-named, exclusive to the connection that declared them


def _alternatives(patterns) -> str:
    patterns = list(patterns)
    return "^(" + "|".join(patterns) + ")$" if patterns else NOTHING


def _names(*names: str) -> list[str]:
    return [re.escape(n) for n in names]


def permissions(service: str) -> dict[str, str]:
    upstreams, sources, watched = REGISTRY.upstreams_of(service), log_sources(service), ui_feeds(service)
    write, read = [], []
    if REGISTRY.produced_by(service):
        write += _names(events_exchange(service).name)
    if dead_letter_sources(service):
        write += _names(dead_letter_exchange(service).name)
    if log_readers(service):
        write += _names(log_replies_exchange(service).name)
        read += _names(*(log_request_queue_name(service, r) for r in log_readers(service)))
    read += _names(*(queue_name(service, u) for u in upstreams))
    if sources:
        write += _names(*(log_exchange(u).name for u in sources))
        read += _names(*(log_replies_exchange(u).name for u in sources))
    read += _names(*(events_exchange(u).name for u in watched))  # the UIs' feed binds its own queue to them
    own_queues = bool(sources or watched)
    if own_queues:
        write.append(REPLY_QUEUES)
        read.append(REPLY_QUEUES)
    return {"configure": _alternatives([REPLY_QUEUES] if own_queues else []),
            "write": _alternatives(write), "read": _alternatives(read)}


def topic_permissions(service: str) -> list[dict[str, str]]:
    """Routing keys per topic exchange the account may use at all (an exchange without an entry
    would allow any key)."""
    found = []
    if REGISTRY.produced_by(service):
        found.append({"exchange": events_exchange(service).name, "read": NOTHING,
                      "write": _alternatives(_names(*(t for c in REGISTRY.produced_by(service) for t in c.types)))})
    if log_readers(service):
        found.append({"exchange": log_replies_exchange(service).name, "read": NOTHING,
                      "write": "^(" + "|".join(_names(*log_readers(service))) + r")\..+$"})
    for upstream in log_sources(service):
        found.append({"exchange": log_exchange(upstream).name, "read": NOTHING, "write": _alternatives(_names(service))})
        found.append({"exchange": log_replies_exchange(upstream).name, "write": NOTHING,
                      "read": "^" + re.escape(service) + r"\..+$"})
    for upstream in ui_feeds(service):
        found.append({"exchange": events_exchange(upstream).name, "write": NOTHING,
                      "read": _alternatives(_names(*ui_types(upstream)))})
    return found


class UnknownQueueType(ValueError):
    """A queue type the deployment does not use (classic or quorum)."""


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = salt if salt is not None else os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def definitions(passwords: dict[str, str], vhost: str = VHOST, accounts: Accounts = Accounts(),
                services: tuple[str, ...] = SERVICES, queue_type: str = CLASSIC) -> dict:
    """The broker's definitions: `passwords` per service and for the operator; every queue of the
    `queue_type` (docs/architecture.md, "A cluster of brokers")."""
    if queue_type not in QUEUE_TYPES:
        raise UnknownQueueType(f"a queue type is one of {', '.join(QUEUE_TYPES)}, not {queue_type!r}")
    users = [{"name": accounts.of(s), "password_hash": password_hash(passwords[s]), "tags": []} for s in services]
    users.append({"name": accounts.operator, "password_hash": password_hash(passwords[OPERATOR]),
                  "tags": ["administrator"]})
    made = topology(services)
    # Classic is the broker's default type: queues made before the setting existed stay as they were.
    typed = {"x-queue-type": QUORUM} if queue_type == QUORUM else {}
    return {
        "users": [{**u, "hashing_algorithm": "rabbit_password_hashing_sha256"} for u in users],
        "vhosts": [{"name": vhost}],
        "permissions": [{"user": accounts.of(s), "vhost": vhost, **permissions(s)} for s in services]
        + [{"user": accounts.operator, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}],
        "topic_permissions": [{"user": accounts.of(s), "vhost": vhost, **t} for s in services
                              for t in topic_permissions(s)],
        "exchanges": [{"name": e.name, "vhost": vhost, "type": e.type, "durable": True, "auto_delete": False,
                       "internal": False, "arguments": {}} for e in made.exchanges],
        "queues": [{"name": q.name, "vhost": vhost, "durable": True, "auto_delete": False,
                    "arguments": {**(q.queue_arguments or {}), **typed}} for q in made.queues],
        "bindings": [{"source": b.exchange, "vhost": vhost, "destination": b.queue, "destination_type": "queue",
                      "routing_key": b.routing_key, "arguments": {}} for b in made.bindings],
    }


RABBITMQCTL = ("rabbitmqctl",)  # the broker on this machine, as its administrator


def _rabbitmqctl(ctl: tuple[str, ...], *args: str, stdin: str | None = None) -> None:
    subprocess.run([*ctl, "-q", *args], check=True, capture_output=True, timeout=120, input=stdin, text=True)


def _erlang_binary(text: str) -> str:
    return '<<"' + text.replace("\\", "\\\\").replace('"', '\\"') + '">>'


@dataclass
class LocalDeployment:
    """A deployment's broker definitions loaded into the broker on this machine (rabbitmqctl, as its
    administrator): for `make up` and `make demo` (vhost "ops", accounts as in compose) and for
    tests (a throw-away vhost whose accounts carry its name, so runs never meet)."""

    vhost: str
    passwords: dict[str, str]
    accounts: Accounts = Accounts()
    host: str = "127.0.0.1:5672"
    scheme: str = "pyamqp"  # amqps for TLS
    ctl: tuple[str, ...] = RABBITMQCTL
    other_nodes: tuple[str, ...] = ()  # the other nodes of a cluster ("host:port"), after `host`
    queue_type: str = CLASSIC

    def uri(self, account: str) -> str:
        """The AMQP URI of a service's (or the operator's) account; for a cluster, one per node,
        `;` between them (kombu fails over to the next)."""
        credentials = f"{self.accounts.of(account)}:{self.passwords[account]}"
        return ";".join(f"{self.scheme}://{credentials}@{host}/{self.vhost}" for host in (self.host, *self.other_nodes))

    def load(self) -> "LocalDeployment":
        # On standard input: rabbitmqctl reads files as the broker's own system user.
        _rabbitmqctl(self.ctl, "import_definitions", "--format", "json",
                     stdin=json.dumps(definitions(self.passwords, self.vhost, self.accounts,
                                                  queue_type=self.queue_type)))
        return self

    def remove(self) -> None:
        """Deletes the vhost and the accounts, those that exist (one rabbitmqctl call: each costs a second)."""
        users = ", ".join(_erlang_binary(self.accounts.of(a)) for a in self.passwords)
        _rabbitmqctl(self.ctl, "eval", f'catch rabbit_vhost:delete({_erlang_binary(self.vhost)}, <<"ops">>), '
                             f'[catch rabbit_auth_backend_internal:delete_user(U, <<"ops">>) || U <- [{users}]], ok.')


def local_passwords(folder: Path) -> dict[str, str]:
    """Each account's password from its file in the secrets folder, made on first use."""
    return {account: secret(folder / f"broker-{account}.password") for account in (*SERVICES, OPERATOR)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.broker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", action="store_true", help="load into the broker on this machine")
    parser.add_argument("--vhost", default=VHOST)
    parser.add_argument("--secrets", type=Path, default=Path("var/secrets"),
                        help="the folder of the accounts' password files (made there if missing)")
    parser.add_argument("--queue-type", choices=QUEUE_TYPES, default=CLASSIC,
                        help="quorum for a cluster of brokers (replicated queues); classic by default")
    args = parser.parse_args(argv)
    if args.apply:
        LocalDeployment(args.vhost, local_passwords(args.secrets), queue_type=args.queue_type).load()
        print(f"broker definitions loaded into vhost {args.vhost!r}; passwords in {args.secrets}/")
        return 0
    json.dump(definitions(local_passwords(args.secrets), vhost=args.vhost, queue_type=args.queue_type), sys.stdout,
              indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
