"""CloudEvents 1.0 envelope for integration events, AMQP binding in structured mode.

UI clients, auditors and consumers all read the same JSON document: the CloudEvent with
its data, of its contract's current version, plus the `notificationid` extension, the event's position in the producer's
notification log, by which consumers keep order and find it in the producer's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.bindings import amqp
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from shared.contracts import REGISTRY, ContractViolation, UnknownEventType

CONTENT_TYPE = "application/cloudevents+json"
NOTIFICATION_ID = "notificationid"
_FORMAT = JSONFormat()


class MalformedEnvelope(ValueError):
    """A message that is not a valid CloudEvent of a known, well-formed contract."""


@dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    time: datetime
    subject: str
    data: dict[str, Any]
    notification_id: int

    @property
    def producer(self) -> str:
        return self.source.rsplit("/", 1)[-1]

    @property
    def contract(self):
        return REGISTRY[self.type]

    def to_cloudevent(self) -> CloudEvent:
        contract = self.contract
        attributes = {
            "id": self.id,
            "source": source_of(contract.producer),
            "type": self.type,
            "time": self.time,
            "dataschema": contract.dataschema,
            "datacontenttype": "application/json",
            NOTIFICATION_ID: self.notification_id,
        }
        if self.subject:  # optional in CloudEvents, and never empty when present
            attributes["subject"] = self.subject
        return CloudEvent(attributes=attributes, data=self.data)

    def to_bytes(self) -> bytes:
        return amqp.to_structured_event(self.to_cloudevent(), _FORMAT).application_data

    def as_json(self) -> dict[str, Any]:
        """The envelope as plain JSON types (for RPC and files)."""
        return {
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time.isoformat(),
            "subject": self.subject,
            "data": self.data,
            NOTIFICATION_ID: self.notification_id,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "Envelope":
        return cls.checked(
            id=doc["id"],
            source=doc["source"],
            type=doc["type"],
            time=datetime.fromisoformat(doc["time"]),
            subject=doc["subject"],
            data=doc["data"],
            notification_id=int(doc[NOTIFICATION_ID]),
        )

    @classmethod
    def checked(cls, **fields: Any) -> "Envelope":
        """An envelope of its contract's current version: an event of an earlier version (stored, or
        queued, before its contract's upgrade) is upcast to it; every field is checked."""
        try:
            contract, version = REGISTRY.version_of(fields["type"])
            data = contract.as_current(version, fields["data"])
            if version == contract.version:
                contract.validate(data)
        except (UnknownEventType, ContractViolation) as e:
            raise MalformedEnvelope(str(e)) from e
        envelope = cls(**{**fields, "type": contract.type, "data": data})
        if envelope.producer != contract.producer:
            raise MalformedEnvelope(f"{envelope.type} comes from {contract.producer}, not {envelope.source}")
        return envelope


def source_of(service: str) -> str:
    return f"/pl/ops/{service}"


def parse(body: bytes) -> Envelope:
    """Parses a structured-mode CloudEvent; raises MalformedEnvelope if it is not one of ours."""
    message = amqp.AMQPMessage(
        properties={"content-type": CONTENT_TYPE}, application_properties={}, application_data=body
    )
    try:
        event = amqp.from_structured_event(message, _FORMAT)
        attributes = event.get_attributes()
        notification_id = int(attributes[NOTIFICATION_ID])
        return Envelope.checked(
            id=event.get_id(),
            source=event.get_source(),
            type=event.get_type(),
            time=event.get_time(),
            subject=attributes.get("subject", ""),
            data=event.get_data(),
            notification_id=notification_id,
        )
    except MalformedEnvelope:
        raise
    except (BaseCloudEventException, KeyError, TypeError, ValueError) as e:
        raise MalformedEnvelope(f"not a CloudEvent of this system: {e}") from e
