"""intake's correction contract keeps the separation of the files: identity and references only,
to each team a routing reached, one team per event."""

import dataclasses

import pytest

from shared.contracts import DataClass, REGISTRY, separation_violations, text_field
from shared.contracts.intake import CASE_ROUTED, PERSON_CORRECTED


def test_a_correction_goes_to_exactly_the_teams_a_routing_reached_with_only_what_the_routing_carried():
    assert set(PERSON_CORRECTED) == set(CASE_ROUTED)
    for team, contract in PERSON_CORRECTED.items():
        assert contract.consumers == frozenset({team})
        assert contract.type == f"pl.ops.intake.PersonCorrected.{team}.v1"
        identity = {f.name for f in contract.fields if f.data_class is DataClass.IDENTITY}
        assert identity == {f.name for f in CASE_ROUTED[team].fields if f.data_class is DataClass.IDENTITY}
        assert {f.data_class for f in contract.fields} == {DataClass.IDENTITY, DataClass.REFERENCE}
        assert contract in list(REGISTRY)
    assert separation_violations(PERSON_CORRECTED.values()) == []


@pytest.mark.parametrize("team, field, data_class", [
    ("casework", "monthly_income", DataClass.ADMINISTRATIVE),
    ("care", "benefit_amount", DataClass.ADMINISTRATIVE),
    ("decisions", "diagnosis", DataClass.SOCIAL_WORK),
    ("casework", "reason", DataClass.IDENTITY),  # the correction's reason stays at the desk
])
def test_a_field_of_another_file_added_to_a_correction_is_caught(team, field, data_class):
    leaking = dataclasses.replace(PERSON_CORRECTED[team],
                                  fields=(*PERSON_CORRECTED[team].fields, text_field(field, data_class)))
    assert separation_violations([leaking])
