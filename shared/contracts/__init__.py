"""Integration-event contracts: the only data that crosses between teams.

Each contract names its producer, its consumers, and a data class for every field.
The JSON schema is generated from the fields (no undeclared property passes), so a
field cannot be published without being classified, and `separation_violations`
can check every contract against what each team may lawfully receive
(DOMAIN.md, "Data separation is the point").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import jsonschema


class DataClass(str, enum.Enum):
    IDENTITY = "identity"  # name, PESEL, address: shared with teams that serve the person
    REFERENCE = "reference"  # ids, dates, kinds: facts without content
    ADMINISTRATIVE = "administrative"  # the decisions team's file
    SOCIAL_WORK = "social_work"  # the casework team's file
    CARE = "care"  # the care team's file
    STAFF = "staff"  # employees, never mixed with clients' data


# What each team's legal task lets it receive from another team.
MAY_RECEIVE: Mapping[str, frozenset[DataClass]] = {
    "casework": frozenset({DataClass.IDENTITY, DataClass.REFERENCE, DataClass.SOCIAL_WORK}),
    "decisions": frozenset({DataClass.IDENTITY, DataClass.REFERENCE, DataClass.ADMINISTRATIVE}),
    "care": frozenset({DataClass.IDENTITY, DataClass.REFERENCE, DataClass.CARE}),
    "training": frozenset({DataClass.REFERENCE, DataClass.STAFF}),
}

# Classes no team other than the owner may ever receive, whatever MAY_RECEIVE says.
OWNED_BY: Mapping[DataClass, str] = {
    DataClass.ADMINISTRATIVE: "decisions",
    DataClass.SOCIAL_WORK: "casework",
    DataClass.CARE: "care",
}


class ContractViolation(ValueError):
    """Data does not match its contract's schema (an event that must not be published)."""


class UnknownEventType(LookupError):
    """No contract is registered for this CloudEvents type."""


@dataclass(frozen=True)
class Field:
    name: str
    schema: Mapping[str, Any]
    data_class: DataClass
    nullable: bool = False

    def json_schema(self) -> dict[str, Any]:
        schema = dict(self.schema)
        if self.nullable:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema


def uuid_field(name: str, data_class: DataClass = DataClass.REFERENCE, **kw: Any) -> Field:
    return Field(name, {"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"}, data_class, **kw)


def date_field(name: str, data_class: DataClass = DataClass.REFERENCE, **kw: Any) -> Field:
    return Field(name, {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, data_class, **kw)


def text_field(name: str, data_class: DataClass, **kw: Any) -> Field:
    return Field(name, {"type": "string", "minLength": 1}, data_class, **kw)


def bool_field(name: str, data_class: DataClass = DataClass.REFERENCE) -> Field:
    return Field(name, {"type": "boolean"}, data_class)


def codes_field(name: str, codes: Iterable[str], data_class: DataClass) -> Field:
    return Field(name, {"type": "array", "items": {"enum": sorted(codes)}, "uniqueItems": True}, data_class)


def object_field(name: str, properties: Mapping[str, Mapping[str, Any]], data_class: DataClass, **kw: Any) -> Field:
    schema = {
        "type": "object",
        "properties": dict(properties),
        "required": sorted(properties),
        "additionalProperties": False,
    }
    return Field(name, schema, data_class, **kw)


@dataclass(frozen=True)
class Contract:
    producer: str
    name: str
    version: int
    fields: tuple[Field, ...]
    consumers: frozenset[str]
    description: str
    # The team a routed event is addressed to: part of the type, so the broker delivers
    # it only to that team's queue and can enforce it with topic permissions.
    addressee: str | None = None
    subject_field: str | None = field(default=None)

    @property
    def type(self) -> str:
        addressed = f".{self.addressee}" if self.addressee else ""
        return f"pl.ops.{self.producer}.{self.name}{addressed}.v{self.version}"

    @property
    def dataschema(self) -> str:
        return f"urn:pl-ops:schema:{self.type}"

    @property
    def schema(self) -> dict[str, Any]:
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": self.dataschema,
            "title": self.type,
            "description": self.description,
            "type": "object",
            "properties": {f.name: f.json_schema() for f in self.fields},
            "required": [f.name for f in self.fields],
            "additionalProperties": False,
        }

    def validate(self, data: Mapping[str, Any]) -> None:
        validator = jsonschema.Draft202012Validator(self.schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            detail = "; ".join(f"{'/'.join(map(str, e.path)) or '(event)'}: {e.message}" for e in errors)
            raise ContractViolation(f"{self.type}: {detail}")

    def subject(self, data: Mapping[str, Any]) -> str:
        return str(data[self.subject_field]) if self.subject_field else ""


def separation_violations(contracts: Iterable[Contract]) -> list[str]:
    """Every field that would reach a team whose legal task does not need it."""
    found = []
    for contract in contracts:
        if not contract.consumers:
            # A broadcast for UI clients and auditors carries no team's file and no identity.
            found += [f"{contract.type}: field '{f.name}' ({f.data_class.value}) must not be broadcast"
                      for f in contract.fields if f.data_class is not DataClass.REFERENCE]
        for consumer in sorted(contract.consumers):
            allowed = MAY_RECEIVE.get(consumer, frozenset())
            for f in contract.fields:
                owner = OWNED_BY.get(f.data_class)
                if f.data_class not in allowed or (owner is not None and owner != consumer):
                    found.append(
                        f"{contract.type}: field '{f.name}' ({f.data_class.value}) must not reach {consumer}"
                    )
    return found


class Registry:
    def __init__(self, contracts: Iterable[Contract]):
        self._by_type: dict[str, Contract] = {}
        for contract in contracts:
            if contract.type in self._by_type:
                raise ValueError(f"two contracts for {contract.type}")
            self._by_type[contract.type] = contract

    def __iter__(self):
        return iter(self._by_type.values())

    def __getitem__(self, event_type: str) -> Contract:
        try:
            return self._by_type[event_type]
        except KeyError:
            raise UnknownEventType(f"no contract for event type {event_type!r}") from None

    def produced_by(self, producer: str) -> list[Contract]:
        return [c for c in self if c.producer == producer]

    def consumed_by(self, consumer: str, producer: str | None = None) -> list[Contract]:
        return [c for c in self if consumer in c.consumers and producer in (None, c.producer)]

    def upstreams_of(self, consumer: str) -> list[str]:
        return sorted({c.producer for c in self.consumed_by(consumer)})


def _load() -> Registry:
    from shared.contracts import care, casework, decisions, intake

    return Registry([*intake.CONTRACTS, *decisions.CONTRACTS, *casework.CONTRACTS, *care.CONTRACTS])


REGISTRY = _load()
