"""The access log: every read of a person's file by a member of staff, recorded by the service
that keeps the file, in its own store (docs/architecture.md, "Identity at the door").

Each read is an event, so the log is as tamper-evident as the rest of the store and an
auditor can answer a person's request under RODO art. 15: who read their file, when, in what
role and by which request. Reads by the system itself (consumers, relays) are not staff reads.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic


class FileRead(Aggregate):
    """One read of one or more persons' files through one request."""

    @event("Recorded")
    def __init__(self, staff_id: str, staff_name: str, roles: list[str], what: str, subject_ids: list[str],
                 person_ids: list[str], request_id: str, read_at: datetime):
        self.staff_id = staff_id
        self.staff_name = staff_name
        self.roles = roles
        self.what = what
        self.subject_ids = subject_ids
        self.person_ids = person_ids
        self.request_id = request_id
        self.read_at = read_at


READ_TOPIC = get_topic(FileRead.Recorded)


def file_read(staff, what: str, subject_ids: Iterable, person_ids: Iterable) -> FileRead:
    return FileRead(staff_id=staff.id, staff_name=staff.name, roles=sorted(staff.roles), what=what,
                    subject_ids=sorted({str(s) for s in subject_ids}),
                    person_ids=sorted({str(p) for p in person_ids if p is not None}),
                    request_id=staff.request_id, read_at=datetime.now(timezone.utc))


def entry(read: FileRead.Recorded, position: int) -> dict:
    return {"position": position, "read_at": read.read_at.isoformat(), "staff_id": read.staff_id,
            "staff_name": read.staff_name, "roles": read.roles, "what": read.what, "subject_ids": read.subject_ids,
            "person_ids": read.person_ids, "request_id": read.request_id}
