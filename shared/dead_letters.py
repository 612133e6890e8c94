"""The operator's view of dead letters: list them with their errors, and replay them.

    python -m shared.dead_letters list casework
    python -m shared.dead_letters replay casework --id DEAD_LETTER_ID   (or --all)

A replayed message goes back to the service's own queue marked as a replay: the consumer
handles it even though its position is already passed (the policy's deterministic ids
keep a second replay harmless); if it fails again it returns to the dead-letter queue.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

from kombu import Connection

from shared.broker import broker_connection
from shared.consumer import REPLAY_HEADER, upstream_queues

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


@dataclass(frozen=True)
class DeadLetter:
    id: str
    upstream: str
    error: str
    failed_at: str
    notification_id: int | None
    event_type: str | None

    def line(self) -> str:
        where = f"#{self.notification_id}" if self.notification_id is not None else "(no position)"
        return (f"{self.id}  from {self.upstream} {where} {self.event_type or '(unreadable)'}\n"
                f"    failed at {self.failed_at}: {self.error}")


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    try:
        event_type = json.loads(message.body).get("type")
    except (ValueError, AttributeError):
        event_type = None
    return DeadLetter(
        id=headers.get("x-dead-letter-id", ""),
        upstream=headers.get("x-upstream", ""),
        error=headers.get("x-error", ""),
        failed_at=headers.get("x-failed-at", ""),
        notification_id=headers.get("x-notification-id"),
        event_type=event_type,
    )


def _messages(connection: Connection, service: str):
    """Every dead letter of the service, unacknowledged (they return to the queue unless acked)."""
    channel = connection.channel()
    for upstream, (queue, dead_letters) in upstream_queues(service).items():
        bound = dead_letters(channel)
        bound.declare()
        while (message := bound.get(no_ack=False, accept=None)) is not None:
            yield upstream, queue, message


def list_dead_letters(amqp_uri: str, service: str) -> list[DeadLetter]:
    with broker_connection(amqp_uri) as connection:
        return [_describe(message) for _, _, message in _messages(connection, service)]


def replay(amqp_uri: str, service: str, ids: set[str] | None) -> list[DeadLetter]:
    """Sends the chosen dead letters (all if ids is None) back to the service's queue."""
    replayed = []
    with broker_connection(amqp_uri) as connection:
        producer = connection.Producer()
        for _, queue, message in _messages(connection, service):
            letter = _describe(message)
            if ids is not None and letter.id not in ids:
                continue
            producer.publish(
                message.body,
                exchange="",
                routing_key=queue.name,
                content_type=message.content_type,
                content_encoding="utf-8",
                delivery_mode=2,
                headers={**(message.headers or {}), REPLAY_HEADER: True},
                retry=False,
            )
            message.ack()
            replayed.append(letter)
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.dead_letters", description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list a service's dead letters with their errors")
    listing.add_argument("service")
    replaying = commands.add_parser("replay", help="send dead letters back to their service")
    replaying.add_argument("service")
    which = replaying.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", action="append", dest="ids", help="a dead letter's id (repeatable)")
    which.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    if not upstream_queues(args.service):
        parser.error(f"{args.service} consumes no upstream events, so it has no dead letters")

    if args.command == "list":
        letters = list_dead_letters(args.amqp_uri, args.service)
        for letter in letters:
            print(letter.line())
        print(f"{len(letters)} dead letter(s) for {args.service}")
        return 0
    ids = None if args.all else set(args.ids)
    replayed = replay(args.amqp_uri, args.service, ids)
    for letter in replayed:
        print(f"replayed {letter.id} ({letter.event_type or 'unreadable'})")
    missing = (ids or set()) - {letter.id for letter in replayed}
    for dead_letter_id in sorted(missing):
        print(f"no dead letter {dead_letter_id} for {args.service}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
