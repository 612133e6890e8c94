"""The stream's fan-out, without a broker: a slow client is told to come back and does not hold
up the others; a stream carries only what its roles may see."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from services.gateway.stream import BUFFER, Hub, UiFeed, UiStream
from shared.broker import BrokerSettings
from shared.contracts.decisions import PROCEEDING_UPDATED
from shared.contracts.intake import CASE_ROUTED_TO_CASEWORK
from shared.envelope import Envelope, source_of
from shared.identity import Staff
from shared.roles import BENEFIT_OFFICER, SOCIAL_WORKER


def routed(n: int) -> Envelope:
    return Envelope(id=str(uuid.uuid4()), source=source_of("intake"), type=CASE_ROUTED_TO_CASEWORK.type,
                    time=datetime.now(timezone.utc), subject="", data={"case_id": str(uuid.uuid4())},
                    notification_id=n)


def updated(n: int) -> Envelope:
    return Envelope(id=str(uuid.uuid4()), source=source_of("decisions"), type=PROCEEDING_UPDATED.type,
                    time=datetime.now(timezone.utc), subject="", data={"proceeding_id": str(uuid.uuid4()),
                                                                        "state": "interviewed"}, notification_id=n)


def frames(stream, count: int) -> list[bytes]:
    got = []
    for chunk in stream:
        got.append(chunk)
        if len(got) == count:
            break
    return got


def stream_of(hub: Hub, role: str) -> UiStream:
    staff = Staff(id=str(uuid.uuid4()), name=role, roles=frozenset({role}))
    return UiStream(hub, hub.subscribe(staff, f"session-{role}"), dict(hub.heads), reader=None,
                    still_signed_in=lambda: True)


def test_a_client_that_falls_behind_is_told_to_resume_and_the_others_get_everything():
    hub = Hub()
    hub.heads = {"intake": 0, "decisions": 0}
    slow, reading = stream_of(hub, SOCIAL_WORKER), iter(stream_of(hub, SOCIAL_WORKER))
    assert b"ready" in frames(reading, 2)[-1]  # the retry line, then ready (nothing to replay)
    received = []
    for n in range(1, BUFFER + 11):
        hub.publish("intake", routed(n))
        received.append(next(reading))
    assert [f.split(b"\n")[0] for f in received[-2:]] == [f"id: decisions:0;intake:{BUFFER + 9}".encode(),
                                                          f"id: decisions:0;intake:{BUFFER + 10}".encode()]
    assert slow.subscription.overflowed and slow.subscription.closed
    told = frames(iter(slow), 2 + BUFFER + 1)  # what it had, then the word to come back
    # Its last id is the last event it got, so coming back with it loses nothing.
    assert told[-1].startswith(f"id: decisions:0;intake:{BUFFER}\nevent: resume\n".encode())
    assert slow.subscription not in hub.subscriptions  # it holds nothing once gone


def test_a_stream_carries_only_what_its_roles_may_see():
    hub = Hub()
    hub.heads = {"intake": 0, "decisions": 0}
    worker, officer = iter(stream_of(hub, SOCIAL_WORKER)), iter(stream_of(hub, BENEFIT_OFFICER))
    frames(worker, 2), frames(officer, 2)
    hub.publish("intake", routed(1))
    hub.publish("decisions", updated(1))
    assert b"CaseRouted.casework" in next(worker)
    assert b"ProceedingUpdated" in next(officer)
    assert hub.subscriptions and all(s.events.empty() for s in hub.subscriptions)  # nothing else queued


class PagedLog:
    """intake's log as the gateway reads it, a page of `page` events a request, counting requests."""

    def __init__(self, events: int, page: int):
        self.events, self.page, self.requests = events, page, 0

    def __call__(self, upstream: str, after: int):
        self.requests += 1
        up_to = min(after + self.page, self.events)
        return [routed(n) for n in range(after + 1, up_to + 1)], max(up_to, after), []


class Woken:
    """A wake-up message on the feed's queue: intake's account, the event's position."""

    def __init__(self, sender: str, notification_id: int):
        self.properties = {"user_id": sender}
        self.body = json.dumps({"notificationid": notification_id}).encode()


def test_a_wake_up_costs_the_upstream_one_read_of_its_log_and_the_idle_catch_up_reads_to_its_end():
    # Under a steady flow every message wakes the feed: a second read, only to find the log ends
    # where the first stopped, doubled the requests the upstream's log server answers.
    hub, broker = Hub(), BrokerSettings("amqp://unused")
    hub.advance("intake", 0)
    feed = UiFeed(app=None, broker=broker, upstream="intake", hub=hub)
    feed.log = PagedLog(events=1, page=100)
    feed._on_message(Woken(broker.accounts.of("intake"), 1))
    assert feed.log.requests == 1 and feed.published == 1 and hub.heads["intake"] == 1

    feed._on_message(Woken(broker.accounts.of("intake"), 1))  # read already: no request
    feed._on_message(Woken("someone-else", 5))  # not intake's account: dropped
    assert feed.log.requests == 1

    feed.log = PagedLog(events=250, page=100)
    feed.catch_up()  # idle: to the log's end, the last read finding nothing more
    assert feed.published == 250 and hub.heads["intake"] == 250 and feed.log.requests == 4
