"""The store's hash chain (docs/architecture.md, "Tamper-evident").

Each stored event's link is SHA-256 over its predecessor's link, its notification id, aggregate
id, version, topic and state as stored (encrypted: checking needs no key, and destroying a key
changes no stored byte). The recorders (shared/sqlite.py, shared/postgres.py) keep one link per
notification id in `<events table>_chain`, written in the insert's transaction; `verify` walks a
store's events and links in id order, and `shared/audit.py` checks an export's copy the same way.
Ids may have gaps: the chain, not the numbering, says whether something is missing.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence
from uuid import UUID

GENESIS = bytes(32)  # the link before a store's first event
_PAGE = 2000


class ChainBroken(ValueError):
    """An event of the store is not what was chained: changed, removed, moved or renumbered."""

    def __init__(self, notification_id: int, message: str):
        super().__init__(f"#{notification_id}: {message}")
        self.notification_id = notification_id


class ChainMissing(LookupError):
    """The store has no chain table: written before the chain and not opened by its service since."""


class ExpectedHashMissing(ValueError):
    """The hash the auditor kept is not on the chain: an event up to it was changed or removed."""


def link(previous: bytes, notification_id: int, originator_id: UUID | str, originator_version: int, topic: str,
         state: bytes | str) -> bytes:
    """The chain's link for one stored event, fields length-prefixed so no two events hash alike."""
    if isinstance(state, str):  # SQLite hands back text where someone wrote text over the stored bytes
        state = state.encode("utf-8")
    topic_bytes = topic.encode("utf-8")
    aggregate = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
    digest = hashlib.sha256(previous)
    digest.update(struct.pack(">QQ16sI", notification_id, originator_version, aggregate.bytes, len(topic_bytes)))
    digest.update(topic_bytes)
    digest.update(state)
    return digest.digest()


def links(previous: bytes, notification_ids: Sequence[int], events: Sequence[Any]) -> list[tuple[int, bytes]]:
    """(notification id, link) of stored events given their ids, after the link `previous`."""
    made = []
    for notification_id, event in zip(notification_ids, events, strict=True):
        previous = link(previous, notification_id, event.originator_id, event.originator_version, event.topic,
                        event.state)
        made.append((notification_id, previous))
    return made


@dataclass(frozen=True)
class Head:
    events: int
    notification_id: int | None  # the last event's (None: an empty store)
    hash: str  # hex; GENESIS's for an empty store
    expected_at: int | None = None  # where the expected hash was found (its notification id)


class Walk:
    """Checks links in notification order, one at a time: constant memory, whatever the log's size."""

    def __init__(self, expect: str | None = None):
        self.previous, self.events, self.last_id = GENESIS, 0, None
        self.expect = expect.lower() if expect else None
        # 0: nothing to find, or the hash of an empty store, which every chain starts from
        self.expected_at: int | None = 0 if self.expect in (None, GENESIS.hex()) else None

    def step(self, notification_id: int, event: Any, claimed: bytes | None) -> None:
        if claimed is None:
            raise ChainBroken(notification_id, "an event without a link: inserted outside the service")
        made = link(self.previous, notification_id, event.originator_id, event.originator_version, event.topic,
                    event.state)
        if made != claimed:
            gap = (f" (ids #{self.last_id + 1}–#{notification_id - 1} are not in the store)"
                   if self.last_id is not None and notification_id > self.last_id + 1 else "")
            raise ChainBroken(notification_id, "not what was chained: its id, aggregate, version, topic or stored "
                                               f"state was changed, or an event chained before it removed{gap}")
        self.previous, self.events, self.last_id = made, self.events + 1, notification_id
        if self.expect is not None and self.expected_at is None and made.hex() == self.expect:
            self.expected_at = notification_id

    def head(self) -> Head:
        if self.expected_at is None:
            raise ExpectedHashMissing(f"the hash kept, {self.expect}, is not on the chain (head "
                                      f"#{self.last_id}, {self.previous.hex()}): an event up to it was changed "
                                      f"or removed")
        return Head(self.events, self.last_id, self.previous.hex(), self.expected_at or None)


def merged(events: Iterable[Any], chain: Iterable[tuple[int, bytes]]) -> Iterator[tuple[int, Any, bytes | None]]:
    """(notification id, event or None, link or None) of two streams each in id order."""
    events, chain = iter(events), iter(chain)
    event, linked = next(events, None), next(chain, None)
    while event is not None or linked is not None:
        if linked is None or (event is not None and event.id < linked[0]):
            yield event.id, event, None
            event = next(events, None)
        elif event is None or linked[0] < event.id:
            yield linked[0], None, linked[1]
            linked = next(chain, None)
        else:
            yield event.id, event, linked[1]
            event, linked = next(events, None), next(chain, None)


def paged(select: Callable[[int, int], Sequence[Any]], key: Callable[[Any], int]) -> Iterator[Any]:
    """Every row of a keyset-paged select(after, limit), in order."""
    after = 0
    while True:
        page = select(after, _PAGE)
        yield from page
        if len(page) < _PAGE:
            return
        after = key(page[-1])


def verify(recorder: Any, expect: str | None = None) -> Head:
    """Checks a store's chain from its first event to its head (recorder: shared/sqlite.py's or
    shared/postgres.py's ServiceProcessRecorder); raises ChainBroken naming the notification id."""
    if not recorder.has_chain():
        raise ChainMissing("the store has no chain: open it once with its service, which builds it")
    events = paged(lambda after, limit: recorder.select_notifications(start=after, limit=limit,
                                                                      inclusive_of_start=False), lambda n: n.id)
    walk = Walk(expect)
    for notification_id, event, claimed in merged(events, paged(recorder.select_links, lambda row: row[0])):
        if event is None:
            raise ChainBroken(notification_id, "chained, but no event has this id: removed or renumbered")
        walk.step(notification_id, event, claimed)
    return walk.head()
