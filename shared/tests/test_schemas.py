"""A declared body or query refuses what it does not describe, naming the field in English and Polish."""

import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.datastructures import MultiDict

from shared.schemas import (
    BOOLEAN,
    COUNT,
    DATE,
    ID,
    MONTH,
    PRESENT,
    TEXT,
    UUID,
    BodySchema,
    CompiledSchema,
    Draft202012,
    InvalidRequest,
    QuerySchema,
    codes,
    day,
    line,
    listed,
    many,
    obj,
    or_null,
    whole,
)

SCHEMA = BodySchema(obj(["on"], on=day(), name=line(5), urgent=BOOLEAN, kinds=codes(["a", "b"]),
                        people=many(obj(["name"], name=line()), 2), address=obj(city=line())))


@pytest.mark.parametrize("body, field, polish", [
    ({}, "on", "pole jest wymagane"),
    ({"on": "2026-02-30"}, "on", "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"),
    ({"on": "9999-12-31"}, "on", "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"),  # a slip, not a date of this centre
    ({"on": "0001-01-01"}, "on", "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"),
    ({"on": "2026-02-03", "urgent": "false"}, "urgent", "oczekiwano: tak/nie (true/false)"),
    ({"on": "2026-02-03", "name": "Zbyt długie"}, "name", "najwyżej 5 znaków"),
    ({"on": "2026-02-03", "kinds": ["a", "c"]}, "kinds", "wybierz wartość z listy"),
    ({"on": "2026-02-03", "kinds": ["a", "a"]}, "kinds", "ta sama pozycja podana dwa razy"),
    ({"on": "2026-02-03", "people": [{"name": "A"}, {}]}, "people.name", "pole jest wymagane"),
    ({"on": "2026-02-03", "address": {"city": "X", "zip": "1"}}, "address.zip", "nieznane pole — sprawdź nazwę"),
    ([], "body", "oczekiwano: obiekt"),
])
def test_a_refusal_names_the_field_and_says_what_is_expected(body, field, polish):
    with pytest.raises(InvalidRequest) as refused:
        SCHEMA.check(body)
    assert (refused.value.field, refused.value.polish) == (field, polish)
    assert field.split(".")[-1] in str(refused.value) or field == "body"


def test_a_body_as_declared_passes():
    SCHEMA.check({"on": "2026-02-03", "name": "Ala", "urgent": False, "kinds": ["b"], "people": [{"name": "A"}],
                  "address": {"city": "Łódź"}})


QUERY = QuerySchema(obj(["today"], today=day(), within_days=whole(0, 366), all=PRESENT))


@pytest.mark.parametrize("args, field, polish", [
    ({}, "today", "pole jest wymagane"),
    ({"today": "2026-13-01"}, "today", "podaj prawdziwą datę (RRRR-MM-DD, lata 1900–2099)"),
    ({"today": "2026-02-03", "within_days": "14 days"}, "within_days", "oczekiwano: liczba całkowita"),
    ({"today": "2026-02-03", "within_days": "99999999999"}, "within_days", "najwyżej 366"),
    ({"today": "2026-02-03", "within_days": "-1"}, "within_days", "co najmniej 0"),
    ({"today": "2026-02-03", "within_days": "1.5"}, "within_days", "oczekiwano: liczba całkowita"),
    ({"today": "2026-02-03", "person": "x"}, "person", "nieznane pole — sprawdź nazwę"),
    ([("today", "2026-02-03"), ("today", "2026-02-04")], "today", "parametr podany więcej niż raz"),
])
def test_a_query_is_checked_like_a_body_its_numbers_read_as_numbers(args, field, polish):
    with pytest.raises(InvalidRequest) as refused:
        QUERY.check(MultiDict(args))
    assert (refused.value.field, refused.value.polish) == (field, polish)
    assert field in str(refused.value)


def test_a_query_as_declared_passes():
    QUERY.check(MultiDict({"today": "2026-02-03", "within_days": "366", "all": ""}))


# --- the compiled verdict agrees with jsonschema's ------------------------------------------------

def _every_field_schema() -> list[dict]:
    """Each kind of field the edge and the contracts declare: the builders' and every contract field's."""
    from shared.contracts import REGISTRY

    declared = [day(), line(5), codes(["a", "b"]), many(obj(["name"], name=line()), 2), whole(1, 2), BOOLEAN,
                UUID, MONTH, ID, DATE, COUNT, or_null(DATE), listed(TEXT)]
    contract_fields = [f.json_schema() for contract, _ in REGISTRY._versions.values() for f in contract.fields]
    return [*declared, *{json.dumps(s, sort_keys=True): s for s in contract_fields}.values()]


TRICKY = [None, True, False, 0, 1, -1, 1.0, 1.5, 2**70, "", " ", "a", "x" * 5000, "ąę", "👩‍⚕️" * 3,
          "2026-02-28", "2026-02-29", "2024-02-29", "2026-02-30", "2026-13-01", "2026-1-1", "1899-12-31",
          "2026-01-01T00:00:00", "２０２６-０１-０１", "2026-01-01\n", "2026-07",
          "6f1c2f4e-3b9a-4c55-9d6e-2a1b3c4d5e6f", "6F1C2F4E-3B9A-4C55-9D6E-2A1B3C4D5E6F",
          "{6f1c2f4e-3b9a-4c55-9d6e-2a1b3c4d5e6f}", "6f1c2f4e3b9a4c559d6e2a1b3c4d5e6f",
          "urn:uuid:6f1c2f4e-3b9a-4c55-9d6e-2a1b3c4d5e6f", "6f1c2f4e-3b9a-4c55-9d6e-2a1b3c4d5e6f\n",
          "ubostwo", "a b", "44051401359", "44051401359\n", "４４０５１４０１３５９", "２０２６-07", "2026-07\n",
          "KS/2026/17", "KS/2026/17\n", "\nKS", [], ["a"], ["a", "a"], ["a", "b", "c"], [None], {}, {"name": "x"},
          {"name": "x", "other": 1}]


@pytest.mark.parametrize("schema", _every_field_schema(), ids=lambda s: json.dumps(s, sort_keys=True)[:60])
def test_the_compiled_verdict_is_jsonschema_s_for_every_kind_of_field(schema):
    """jsonschema-rs decides what passes unexamined, jsonschema names what it refuses: the two must
    agree on every value, and the verdict is the standard's (a pattern's `$` is the end of the
    text, `\d` an ASCII digit), not Python's regular expressions'."""
    compiled = CompiledSchema(schema)
    reference = Draft202012(schema, format_checker=FormatChecker())
    for value in TRICKY:
        assert compiled._verdict.is_valid(value) == reference.is_valid(value), value
        assert (compiled.errors(value) == []) == reference.is_valid(value), value


@pytest.mark.parametrize("value", ["44051401359\n", "４４０５１４０１３５９", "4405140135\n"])
def test_a_pesel_with_a_line_break_or_other_digits_is_refused_at_the_edge(value):
    """Python's `$` matched before a final line break and its `\d` took any script's digits:
    jsonschema alone let these through as eleven digits."""
    with pytest.raises(InvalidRequest) as refused:
        BodySchema(obj(["pesel"], pesel=line(11, pattern=r"^[0-9]{11}$"))).check({"pesel": value})
    assert refused.value.field == "pesel" and value.strip() not in str(refused.value)
    assert Draft202012Validator({"type": "string", "pattern": r"^[0-9]{11}$"}).is_valid("44051401359\n")  # as before
