"""The edge, declared: each endpoint's request body as a JSON Schema (`api(..., body=...)`),
checked before the handler runs, and published in the service's OpenAPI document
(`GET /openapi.json`); the same for its query (`api(..., query=...)`), each parameter a text or, where
the schema says so, a whole number. A body the schema refuses gets 400 `InvalidRequest` naming the field and
what is expected, in English and in Polish; nothing is stored.

The schema says the shape (types, lengths, codes, dates as dates); the team's domain still
keeps its own rules (a PESEL's check digit, a date's place among other dates)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from shared.values import LINE_MAX, TEXT_MAX


class InvalidRequest(ValueError):
    """The request body is not what the endpoint's published schema says."""

    def __init__(self, field: str, message: str, polish: str):
        super().__init__(message)
        self.field = field
        self.polish = polish


# --- declaring ---------------------------------------------------------------------------------

def obj(required: Iterable[str] = (), **properties: dict) -> dict:
    """An object of exactly these properties (an unknown one is refused: a typo is not ignored)."""
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


def line(max_length: int = LINE_MAX, **extra: Any) -> dict:
    return {"type": "string", "maxLength": max_length, **extra}


def text(max_length: int = TEXT_MAX) -> dict:
    return {"type": "string", "maxLength": max_length}


def day() -> dict:
    # A year 1900-2099: a birth date, a registration, a decision; 0001-01-01 or 9999-12-31 is a slip.
    return {"type": "string", "format": "date", "pattern": r"^(19|20)\d{2}-\d{2}-\d{2}$"}


def one_of(codes: Iterable[str]) -> dict:
    return {"type": "string", "enum": list(codes)}


def codes(values: Iterable[str], max_items: int = 50) -> dict:
    return {"type": "array", "items": one_of(values), "maxItems": max_items, "uniqueItems": True}


def many(items: dict, max_items: int = 50) -> dict:
    return {"type": "array", "items": items, "maxItems": max_items}


def whole(minimum: int, maximum: int) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


BOOLEAN = {"type": "boolean"}
UUID = line(36, pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MONTH = line(7, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")  # YYYY-MM
YEAR = whole(2000, 2100)
HALF = whole(1, 2)  # of a year
PRESENT = line(5)  # a switch: on when the parameter is there (?all), whatever its value
HALF_YEAR_QUERY = obj(["year", "half"], year=YEAR, half=HALF)  # ?year=2026&half=1


# --- answers: the body of a success (`api(..., answer=...)`) -----------------------------------
# Published so that a client knows what it gets; the fuzzer checks every answer against it. Ids,
# dates and amounts go out as texts (shared/web.py: to_json). An answer's object names the fields a
# client may rely on and may carry more (a file grows with the record): it is open, unlike a request.

def record(required: Iterable[str] = (), **properties: dict) -> dict:
    """An answer's object: at least the required fields, each named one in its shape."""
    return {"type": "object", "properties": properties, "required": list(required)}


def listed(items: dict) -> dict:
    return {"type": "array", "items": items}


def or_null(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def paged(name: str, items: dict) -> dict:
    """A page of a list (docs/architecture.md, "Read models"): its items under `name`, and
    `next_after`, the cursor of the next page (null on the last)."""
    return record([name, "next_after"], **{name: listed(items)}, next_after={"type": ["string", "null"]})


def page(media: str = "text/html") -> dict:
    """An answer that is not JSON: a page (or a file) of this media type."""
    return {"type": "string", "contentMediaType": media}


ID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
DECIMAL = {"type": "string"}  # an amount or hours, exact: "1229.00", "2.5"
TEXT = {"type": "string"}
COUNT = {"type": "integer", "minimum": 0}
FLAG = {"type": "boolean"}
OBJECT = {"type": "object"}
STRINGS = listed(TEXT)
# The operator's erasure of a person (shared/service.py PersonErasure) and its answer.
ERASURE = obj(["ground", "erased_on"], ground=text(), erased_on=day())
ERASED = record(["person_id", "erased_on"], person_id=ID, erased_on=DATE)
# A team's rows of the half-year MRPiPS-03 report: per row, figures only (counts, amounts).
MRPIPS03_PART = {"type": "object", "additionalProperties": {
    "type": "object", "additionalProperties": {"type": ["integer", "string"]}}}


# --- checking ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _as_python(pattern: str) -> re.Pattern:
    # A final `$` (the only place ours have one) as Python's `\Z`, the end of the text; `\d` the
    # ASCII digits only, as in ECMA-262 (Python's takes "２０２６" for a year).
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern), re.ASCII)


def _ecma_pattern(validator, pattern: str, instance: Any, schema: dict):
    """JSON Schema's patterns are ECMA-262's, in which `$` is the end of the text and `\d` an ASCII
    digit; in Python's, `$` also matches before a final line break, so jsonschema let
    "85071512348\n" pass as a PESEL and "KS/1\n" as a reference, and "２０２６-07" as a month,
    which jsonschema-rs (and the standard) refuse."""
    if validator.is_type(instance, "string") and not _as_python(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 as jsonschema checks it, with the standard's patterns.
Draft202012 = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


class CompiledSchema:
    """A JSON Schema (draft 2020-12, formats checked) compiled twice: jsonschema-rs gives the verdict,
    natively (a body or an event in about a microsecond, against jsonschema's 100), and only what it
    refuses is gone through by jsonschema, which names each error and has the last word (the two
    agree: shared/tests/test_schemas.py)."""

    def __init__(self, schema: dict):
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self._verdict = jsonschema_rs.validator_for(schema, validate_formats=True)
        self._validator = Draft202012(schema, format_checker=FormatChecker())

    def errors(self, instance: Any) -> list[ValidationError]:
        """What is wrong with the instance; nothing if it conforms."""
        if self._verdict.is_valid(instance):
            return []
        return list(self._validator.iter_errors(instance))


class BodySchema(CompiledSchema):
    """A compiled schema: checks a parsed body, raising InvalidRequest for the first mistake."""

    def check(self, body: Any) -> None:
        errors = sorted(self.errors(body), key=lambda e: (list(e.absolute_path), e.validator))
        if errors:
            raise _invalid(errors[0])


class QuerySchema(BodySchema):
    """A declared query (an object of its parameters): each parameter a text, a whole number where
    the schema says `integer` (a text that is not one is refused as a text); given twice, refused."""

    def check(self, args) -> None:
        values = {}
        for name, given in args.lists():
            if len(given) > 1:
                raise InvalidRequest(name, f"{name} is given more than once", "parametr podany więcej niż raz")
            kind = self.schema.get("properties", {}).get(name, {}).get("type")
            values[name] = int(given[0]) if kind == "integer" and _WHOLE.fullmatch(given[0]) else given[0]
        super().check(values)


_WHOLE = re.compile(r"-?[0-9]{1,30}")


def _invalid(error: ValidationError) -> InvalidRequest:
    path = [str(p) for p in error.absolute_path if not isinstance(p, int)]  # a list's field, not its index
    keyword, value = error.validator, error.validator_value
    if keyword == "pattern" and error.schema.get("format") == "date":  # a date outside 1900-2099
        keyword = "format"
    if keyword == "required":
        missing = next(name for name in value if name not in (error.instance or {}))
        return InvalidRequest(".".join([*path, missing]), f"{missing} is required", "pole jest wymagane")
    if keyword == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))[0]
        return InvalidRequest(".".join([*path, extra]), f"{extra} is not a field of this request",
                              "nieznane pole — sprawdź nazwę")
    field = ".".join(path) or "body"
    english = {
        "type": lambda: f"{field} must be {_type_name(value)}",
        "maxLength": lambda: f"{field} has more than {value} characters",
        "maxItems": lambda: f"{field} has more than {value} items",
        "uniqueItems": lambda: f"{field} lists an item twice",
        "enum": lambda: f"{field} must be one of: {', '.join(map(str, value))}",
        "format": lambda: f"{field} must be a real date, YYYY-MM-DD, in 1900-2099",
        "pattern": lambda: f"{field} is not in the expected form",
        "minimum": lambda: f"{field} must be at least {value}",
        "maximum": lambda: f"{field} must be at most {value}",
    }.get(keyword, lambda: f"{field}: {keyword} not met")()
    polish = {
        "type": lambda: f"oczekiwano: {_polish_type(value)}",
        "maxLength": lambda: f"najwyżej {value} znaków",
        "maxItems": lambda: f"najwyżej {value} pozycji",
        "uniqueItems": lambda: "ta sama pozycja podana dwa razy",
        "enum": lambda: "wybierz wartość z listy",
        "format": lambda: "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)",
        "pattern": lambda: "PESEL to 11 cyfr" if path and path[-1] == "pesel" else "niewłaściwa postać",
        "minimum": lambda: f"co najmniej {value}",
        "maximum": lambda: f"najwyżej {value}",
    }.get(keyword, lambda: "niewłaściwa wartość")()
    return InvalidRequest(field, english, polish)


_TYPES = {"string": ("a text", "tekst"), "boolean": ("true or false", "tak/nie (true/false)"),
          "object": ("an object", "obiekt"), "array": ("a list", "lista"), "number": ("a number", "liczba"),
          "integer": ("a whole number", "liczba całkowita")}


def _type_name(value) -> str:
    return " or ".join(_TYPES.get(v, (v,))[0] for v in ([value] if isinstance(value, str) else value))


def _polish_type(value) -> str:
    return " albo ".join(_TYPES.get(v, (v, v))[1] for v in ([value] if isinstance(value, str) else value))
