"""Integration-event contracts: the only data that crosses between teams.

Each contract names its producer, its consumers, and a data class for every field.
The JSON schema is generated from the fields (no undeclared property passes), so a
field cannot be published without being classified, and `separation_violations`
can check every contract against what each team may lawfully receive
(DOMAIN.md, "Data separation is the point").

A contract changes shape by a new version (docs/architecture.md, "Upgrading a contract"):
`next_version` keeps the earlier versions inside the current one, each with its upcaster (a
pure function from that version's data to the next one's), so an event stored or sent as an
earlier version is read as the current one, and checked against both schemas on the way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping

from shared.schemas import CompiledSchema


class DataClass(str, enum.Enum):
    IDENTITY = "identity"  # name, PESEL, address: shared with teams that serve the person
    REFERENCE = "reference"  # ids, dates, kinds: facts without content
    ADMINISTRATIVE = "administrative"  # the decisions team's file
    SOCIAL_WORK = "social_work"  # the casework team's file
    CARE = "care"  # the care team's file
    STAFF = "staff"  # employees, never mixed with clients' data


# What each team's legal task lets it receive from another team.
MAY_RECEIVE: Mapping[str, frozenset[DataClass]] = {
    # casework learns its own team's members (their names) from the gateway's staff accounts
    "casework": frozenset({DataClass.IDENTITY, DataClass.REFERENCE, DataClass.SOCIAL_WORK, DataClass.STAFF}),
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


class BrokenVersionChain(ValueError):
    """A contract's earlier versions are not 1, 2, ... up to the one before it, of the same event,
    each with an upcaster to the next."""


# An earlier version's data as the next version's: pure, the same answer for the same data.
Upcaster = Callable[[Mapping[str, Any]], dict[str, Any]]


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


# A REFERENCE text is an identifier (a contract's or a request's reference), never prose:
# no spaces, so no sentence can travel in it.
REFERENCE_TOKEN = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$"}


def text_field(name: str, data_class: DataClass, **kw: Any) -> Field:
    if data_class is DataClass.REFERENCE:
        return Field(name, dict(REFERENCE_TOKEN), data_class, **kw)
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
    # The versions before this one, oldest first, each with `upcast` (its data as the next's).
    earlier: tuple["Contract", ...] = ()
    upcast: Upcaster | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.upcast is not None:
            return  # an earlier version, kept inside the current one
        versions = [c.version for c in self.earlier]
        if versions != list(range(1, self.version)):
            raise BrokenVersionChain(f"{self.type}: earlier versions {versions}, not 1 to {self.version - 1}")
        for old in self.earlier:
            if (old.producer, old.name, old.addressee) != (self.producer, self.name, self.addressee):
                raise BrokenVersionChain(f"{old.type} is not an earlier version of {self.type}")
            if old.upcast is None or old.earlier:
                raise BrokenVersionChain(f"{old.type} needs an upcaster to v{old.version + 1}, "
                                         "and no chain of its own")

    def next_version(self, fields: tuple[Field, ...], upcast: Upcaster, description: str,
                     consumers: frozenset[str] | None = None) -> "Contract":
        """Version n + 1 of this contract, with these fields; `upcast` turns version n's data into
        version n + 1's, for the events stored and sent as version n."""
        return replace(self, version=self.version + 1, fields=fields, description=description,
                       consumers=self.consumers if consumers is None else consumers,
                       earlier=(*self.earlier, replace(self, earlier=(), upcast=upcast)))

    @property
    def types(self) -> tuple[str, ...]:
        """The event types of every version, oldest first: the broker routes them all while events
        of an earlier version may still be on their way (docs/architecture.md, "Upgrading a contract")."""
        return (*(c.type for c in self.earlier), self.type)

    def as_current(self, version: int, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """The data of an event of `version` as this version's: unchanged if it is this version,
        else checked against its own version's schema, upcast one version at a time and checked
        against this one's."""
        if version == self.version:
            return data
        if not 1 <= version < self.version:
            raise UnknownEventType(f"{self.type} has no version {version}")
        self.earlier[version - 1].validate(data)
        for old in self.earlier[version - 1:]:
            try:
                data = old.upcast(data)
            except (KeyError, TypeError, ValueError) as error:
                raise ContractViolation(f"{old.type} could not be read as v{old.version + 1} "
                                        f"({type(error).__name__})") from None
        self.validate(data)
        return data

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

    @cached_property
    def _compiled(self) -> CompiledSchema:
        # Compiled once: every event a service stores, relays, reads or receives is checked.
        return CompiledSchema(self.schema)

    def validate(self, data: Mapping[str, Any]) -> None:
        errors = sorted(self._compiled.errors(data), key=lambda e: list(e.path))
        if errors:
            detail = "; ".join(f"{'/'.join(map(str, e.path)) or '(event)'}: {e.message}" for e in errors)
            raise ContractViolation(f"{self.type}: {detail}")

    def subject(self, data: Mapping[str, Any]) -> str:
        return str(data[self.subject_field]) if self.subject_field else ""


# Words that name content — a reason, a goal, a note, an amount — rather than a fact. A field
# so named may travel only in its owner team's data class (and so only to that team), never
# as a REFERENCE, IDENTITY or STAFF field that every consumer may receive. Each part of a
# field's name ("reasons_for_help", "goal_ids", "fee_per_hour") is checked: stems as a prefix,
# short words (which begin innocent words too: "noted_on", "planned_on") only whole.
CONTENT_STEMS = (
    # the social-work file
    "reason", "goal", "obligation", "diagnos", "justification", "uzasadnien", "summar", "description", "comment",
    "remark", "opinion", "progress", "evaluation", "assessment", "problem", "narrative", "motive", "addiction",
    "violence", "health", "illness", "disabilit", "strength", "resource", "finding",
    # the administrative file: money figures and what they rest on
    "amount", "income", "kwot", "dochod", "salary", "wage", "pension", "asset", "debt", "price", "saving",
    "household",
)
CONTENT_WORDS = frozenset({
    "note", "notes", "need", "needs", "plan", "plans", "text", "content", "contents", "detail", "details",
    "ground", "grounds", "cause", "causes", "condition", "conditions", "fee", "fees", "cost", "costs", "rent",
    "money",
})
# Numbers a REFERENCE field may carry: quantities of time or of people, never money.
QUANTITY_WORDS = ("hours", "days", "weeks", "months", "visits", "sessions", "members", "persons", "count")
# The team-file classes: content may live there (and reach only the owner).
_TEAM_FILES = frozenset(OWNED_BY)


def _words(name: str) -> list[str]:
    return [w for w in name.lower().replace("-", "_").split("_") if w]


def content_word(name: str) -> str | None:
    """The content word a field's name contains, if any."""
    for word in _words(name):
        if word in CONTENT_WORDS:
            return word
        for stem in CONTENT_STEMS:
            if word.startswith(stem):
                return stem
    return None


def _reference_shape_problem(name: str, schema: Mapping[str, Any]) -> str | None:
    """Why a schema is not a fact without content (ids, dates, flags, codes, counts), or None."""
    if "enum" in schema or "const" in schema:
        return None  # a code from a closed list
    kind = schema.get("type")
    if kind == "boolean":
        return None
    if kind == "string":
        if schema.get("format") in ("uuid", "date", "date-time") or schema.get("pattern"):
            return None
        return "is free text"
    if kind in ("number", "integer"):
        if any(w in QUANTITY_WORDS for w in _words(name)):
            return None
        return f"is a number not named as a quantity of time or people ({', '.join(QUANTITY_WORDS)})"
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, Mapping):
            problem = _reference_shape_problem(name, items)
            return f"has items that {problem}" if problem else None
        return "is an array of anything"
    return f"has a shape ({kind or 'untyped'}) that is not an id, a date, a flag, a code or a count"


def content_violations(contract: Contract) -> list[str]:
    """Fields of a published event that could carry content rather than a fact.

    A field's declared data class is not trusted on its own: a REFERENCE field must have the
    shape of a fact without content, no field outside a team's file may be named like content,
    and a team that keeps a file may not publish another team's file (only first contact,
    which keeps none, writes a note for the team it routes to)."""
    found = []
    owned = {team for team in OWNED_BY.values()}
    for f in contract.fields:
        if f.data_class is DataClass.REFERENCE:
            problem = _reference_shape_problem(f.name, f.schema)
            if problem:
                found.append(f"{contract.type}: field '{f.name}' (reference) {problem}, not a fact without content")
        if f.data_class not in _TEAM_FILES:
            word = content_word(f.name)
            if word:
                found.append(f"{contract.type}: field '{f.name}' ({f.data_class.value}) names content ('{word}'), "
                             "which never travels outside its team's file")
        owner = OWNED_BY.get(f.data_class)
        if owner is not None and contract.producer in owned and owner != contract.producer:
            found.append(f"{contract.type}: field '{f.name}' ({f.data_class.value}) is the {owner} team's file, "
                         f"which {contract.producer} does not keep")
    return found


def separation_violations(contracts: Iterable[Contract]) -> list[str]:
    """Every field that would reach a team whose legal task does not need it, and every field
    whose name or shape could carry content whatever data class it declares."""
    found = []
    # An earlier version still reaches its consumers while events of it are on their way.
    for contract in (version for c in contracts for version in (*c.earlier, c)):
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
        found += content_violations(contract)
    return found


class Registry:
    """The current version of every contract, and which contract an earlier version's type belongs to."""

    def __init__(self, contracts: Iterable[Contract]):
        self._by_type: dict[str, Contract] = {}
        self._versions: dict[str, tuple[Contract, int]] = {}
        for contract in contracts:
            if any(t in self._versions for t in contract.types):
                raise ValueError(f"two contracts for {contract.type}")
            self._by_type[contract.type] = contract
            self._versions.update({c.type: (contract, c.version) for c in (*contract.earlier, contract)})

    def __iter__(self):
        return iter(self._by_type.values())

    def all_versions(self) -> list[Contract]:
        """Every version of every contract, the earlier ones too (what may still be on the wire)."""
        return [version for contract in self for version in (*contract.earlier, contract)]

    def version_of(self, event_type: str) -> tuple[Contract, int]:
        """The current contract of an event type of any version, and that type's version."""
        try:
            return self._versions[event_type]
        except KeyError:
            raise UnknownEventType(f"no contract for event type {event_type!r}") from None

    def as_current(self, event_type: str, data: Mapping[str, Any]) -> tuple[Contract, Mapping[str, Any]]:
        """An event of any version as its contract's current version: the contract and the data
        (upcast and checked if it was an earlier version; as it is, unchecked, if it is current)."""
        contract, version = self.version_of(event_type)
        return contract, contract.as_current(version, data)

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
    from shared.contracts import care, casework, decisions, gateway, intake

    return Registry([*intake.CONTRACTS, *decisions.CONTRACTS, *casework.CONTRACTS, *care.CONTRACTS,
                     *gateway.CONTRACTS])


REGISTRY = _load()
