"""A declared body or query refuses what it does not describe, naming the field in English and Polish."""

import pytest
from werkzeug.datastructures import MultiDict

from shared.schemas import (
    BOOLEAN,
    PRESENT,
    BodySchema,
    InvalidRequest,
    QuerySchema,
    codes,
    day,
    line,
    many,
    obj,
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
