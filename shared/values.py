"""Reading what people type into commands — dates, texts, numbers, codes from a list — with a named
error a person can act on. Pure Python; every team's domain uses these."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable


class InvalidDate(ValueError):
    """A date is missing, not YYYY-MM-DD, or impossible where it is given."""


class MissingText(ValueError):
    """A required text (a name, a reason, a description) is empty."""


class InvalidNumber(ValueError):
    """A number is not one: text, infinite or NaN."""


class TextTooLong(ValueError):
    """A text is longer than such a field holds (a note is a page, a name a line)."""


class UnknownCode(ValueError):
    """A value is not one of the codes the law or the centre's configuration allows."""


def a_date(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDate(f"{what} must be a date (YYYY-MM-DD), not {value!r}") from None


TEXT_MAX = 5_000  # characters of a note, a reason, a description
LINE_MAX = 200  # characters of a name, an address line, a reference


class ControlCharacters(ValueError):
    """A text holds characters that are not text (a NUL byte, an escape)."""

    polish = "Tekst zawiera niedozwolone znaki sterujące."


def one_line(value: Any, what: str, max_length: int = TEXT_MAX) -> str:
    """A text with its whitespace made single spaces; empty if absent. Bounded, so that whatever
    is stored can always be published and read back; no control character (a NUL byte cannot
    even be stored in PostgreSQL's JSON)."""
    text = " ".join(str(value or "").split())
    if any(unicodedata.category(character) == "Cc" for character in text):
        raise ControlCharacters(f"{what} holds control characters")
    if len(text) > max_length:
        raise TextTooLong(f"{what} has {len(text)} characters; at most {max_length}")
    return text


def a_text(value: Any, what: str, max_length: int = TEXT_MAX) -> str:
    text = one_line(value, what, max_length)
    if not text:
        raise MissingText(f"{what} is required")
    return text


def a_code(value: Any, codes: Iterable[str], what: str) -> str:
    codes = tuple(codes)
    if value not in codes:
        raise UnknownCode(f"unknown {what} {value!r}; one of {', '.join(codes)}")
    return value


def a_number(value: Any, what: str, error: type[ValueError] = InvalidNumber, kind: str = "a number") -> Decimal:
    """A finite decimal number from what a client sent ("2,5" as well as 2.5; never a bool),
    or the team's own named error saying which field is not `kind`."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise error(f"{what}: {value!r} is not {kind}")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise error(f"{what}: {value!r} is not {kind}") from None
    if not number.is_finite():
        raise error(f"{what}: {value!r} is not {kind}")
    return number
