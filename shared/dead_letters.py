"""Dead letters: what a consumer could not handle and what a relay could not publish, kept on
the service's own dead-letter queues for the operator, who lists them and replays them.

    python -m shared.dead_letters list casework
    python -m shared.dead_letters replay casework --id DEAD_LETTER_ID   (or --all)

The tool speaks to the broker as the operator (`--amqp-uri`, or OPS_OPERATOR_AMQP_URI: the
operator's account from the deployment's broker definitions; a service's own account may
not read dead letters of another and may not replay). Headers say which event, from where,
and what went wrong, never whose: a person's data stays in the stores.

A replay asks the service's consumer to handle the event again: the consumer takes it from
the upstream's log, not from the dead letter, and only because the operator's account sent
the request; if it fails again it returns here.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from kombu import Connection

from shared.broker import (
    OUTBOX,
    BrokerSettings,
    dead_letter_queue,
    dead_letter_sources,
    queue_name,
)
from shared.redaction import describe

REPLAY_HEADER = "x-replay"
DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def dead_letter_headers(source: str, error: BaseException, notification_id: int | None,
                        event_type: str | None) -> dict:
    headers = {
        "x-dead-letter-id": str(uuid.uuid4()),
        "x-upstream": source,
        "x-error": describe(error),
        "x-failed-at": datetime.now(timezone.utc).isoformat(),
    }
    if notification_id is not None:
        headers["x-notification-id"] = notification_id
    if event_type is not None:
        headers["x-event-type"] = event_type
    return headers


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
        return (f"{self.id}  from {self.upstream} {where} {self.event_type or '(not an event of this system)'}\n"
                f"    failed at {self.failed_at}: {self.error}")

    @property
    def replayable(self) -> bool:
        return self.upstream != OUTBOX and self.notification_id is not None


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    return DeadLetter(
        id=headers.get("x-dead-letter-id", ""),
        upstream=headers.get("x-upstream", ""),
        error=headers.get("x-error", ""),
        failed_at=headers.get("x-failed-at", ""),
        notification_id=headers.get("x-notification-id"),
        event_type=headers.get("x-event-type"),
    )


def _messages(connection: Connection, service: str):
    """Every dead letter of the service, unacknowledged (they return to the queue unless acked)."""
    channel = connection.channel()
    for source in dead_letter_sources(service):
        bound = dead_letter_queue(service, source)(channel)
        while (message := bound.get(no_ack=False, accept=None)) is not None:
            yield source, message


def list_dead_letters(amqp_uri: str, service: str) -> list[DeadLetter]:
    with BrokerSettings(amqp_uri).connection() as connection:
        return [_describe(message) for _, message in _messages(connection, service)]


class NotReplayable(ValueError):
    """An event the relay could not publish, or a message that is no event of this system,
    cannot be replayed: the first stays in its store, the second was never genuine."""


def replay(amqp_uri: str, service: str, ids: set[str] | None) -> list[DeadLetter]:
    """Asks the service to handle the chosen dead letters (all replayable ones if ids is None)
    again; the replayed ones leave the dead-letter queue."""
    replayed = []
    with BrokerSettings(amqp_uri).connection() as connection:
        chosen = [(source, message, _describe(message)) for source, message in _messages(connection, service)]
        chosen = [c for c in chosen if ids is None or c[2].id in ids]
        refused = [letter.id for _, _, letter in chosen if not letter.replayable]
        if refused and ids is not None:  # nothing is replayed: unacknowledged, they all stay queued
            raise NotReplayable(f"dead letter(s) {', '.join(refused)}: an unpublished event or a message "
                                "that is no event of this system cannot be replayed")
        producer = connection.Producer()
        for source, message, letter in chosen:
            if not letter.replayable:
                continue
            producer.publish(
                b"", exchange="", routing_key=queue_name(service, source), delivery_mode=2, retry=False,
                user_id=connection.userid,
                headers={REPLAY_HEADER: True, "x-notification-id": letter.notification_id,
                         "x-replayed-dead-letter-id": letter.id},
            )
            message.ack()
            replayed.append(letter)
    return replayed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.dead_letters", description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-uri", default=os.environ.get("OPS_OPERATOR_AMQP_URI", DEFAULT_AMQP_URI),
                        help="the operator's broker account (default: $OPS_OPERATOR_AMQP_URI)")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list a service's dead letters with their errors")
    listing.add_argument("service")
    replaying = commands.add_parser("replay", help="have the service handle dead letters again")
    replaying.add_argument("service")
    which = replaying.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", action="append", dest="ids", help="a dead letter's id (repeatable)")
    which.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    if not dead_letter_sources(args.service):
        parser.error(f"{args.service} neither consumes nor publishes events, so it has no dead letters")

    if args.command == "list":
        letters = list_dead_letters(args.amqp_uri, args.service)
        for letter in letters:
            print(letter.line())
        print(f"{len(letters)} dead letter(s) for {args.service}")
        return 0
    ids = None if args.all else set(args.ids)
    try:
        replayed = replay(args.amqp_uri, args.service, ids)
    except NotReplayable as error:
        print(error, file=sys.stderr)
        return 1
    for letter in replayed:
        print(f"replayed {letter.id} ({letter.event_type})")
    missing = (ids or set()) - {letter.id for letter in replayed}
    for dead_letter_id in sorted(missing):
        print(f"no dead letter {dead_letter_id} for {args.service}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
