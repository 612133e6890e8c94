"""The separation rule over every contract, and what a contract lets through."""

import dataclasses

import pytest

from shared.contracts import (
    REGISTRY,
    BrokenVersionChain,
    Contract,
    ContractViolation,
    DataClass,
    Field,
    Registry,
    UnknownEventType,
    bool_field,
    date_field,
    separation_violations,
    text_field,
    uuid_field,
)
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED


def test_no_contract_lets_a_file_reach_a_team_that_has_no_business_seeing_it():
    assert separation_violations(REGISTRY) == []


@pytest.mark.parametrize("contract", list(REGISTRY), ids=lambda c: c.type)
def test_every_field_of_every_contract_is_classified(contract):
    assert contract.fields, "a contract with no fields carries no fact"
    for field in contract.fields:
        assert isinstance(field.data_class, DataClass)
    assert set(contract.schema["properties"]) == {f.name for f in contract.fields}
    assert contract.schema["additionalProperties"] is False


def _with_field(contract: Contract, field) -> Contract:
    return dataclasses.replace(contract, fields=(*contract.fields, field))


def test_an_administrative_field_routed_to_casework_is_caught():
    leaking = _with_field(CASE_ROUTED["casework"], text_field("monthly_income", DataClass.ADMINISTRATIVE))
    assert separation_violations([leaking]) == [
        "pl.ops.intake.CaseRouted.casework.v1: field 'monthly_income' (administrative) must not reach casework"
    ]


def test_a_social_work_field_routed_to_decisions_is_caught():
    leaking = _with_field(CASE_ROUTED["decisions"], text_field("diagnosis", DataClass.SOCIAL_WORK))
    assert len(separation_violations([leaking])) == 1


def test_an_administrative_field_reaching_care_is_caught():
    leaking = _with_field(CASE_ROUTED["care"], text_field("benefit_amount", DataClass.ADMINISTRATIVE))
    assert "must not reach care" in separation_violations([leaking])[0]


def test_another_teams_file_is_caught_even_for_a_new_consumer():
    widened = dataclasses.replace(CASE_ROUTED["casework"], consumers=frozenset({"casework", "decisions"}))
    found = separation_violations([widened])
    assert any("'routing_reason' (social_work) must not reach decisions" in f for f in found)
    assert any("'reasons_for_help' (social_work) must not reach decisions" in f for f in found)


def test_routed_cases_are_addressed_to_one_team_each():
    for team, contract in CASE_ROUTED.items():
        assert contract.consumers == {team}
        assert contract.type == f"pl.ops.intake.CaseRouted.{team}.v1"


def test_client_registered_carries_no_identity():
    assert {f.data_class for f in CLIENT_REGISTERED.fields} == {DataClass.REFERENCE}


def test_data_outside_the_contract_is_refused():
    data = {"person_id": "0b7e8a0c-1d5f-4c1e-9a57-3f0d6c2b9a11", "registered_on": "2026-11-02"}
    CLIENT_REGISTERED.validate(data)
    with pytest.raises(ContractViolation, match="Additional properties"):
        CLIENT_REGISTERED.validate({**data, "income": "1200.00"})
    with pytest.raises(ContractViolation, match="registered_on"):
        CLIENT_REGISTERED.validate({**data, "registered_on": "2 Nov 2026"})
    with pytest.raises(ContractViolation, match="required"):
        CLIENT_REGISTERED.validate({"person_id": data["person_id"]})


def test_codes_outside_the_legal_vocabulary_are_refused():
    contract = CASE_ROUTED["casework"]
    data = {
        "case_id": "0b7e8a0c-1d5f-4c1e-9a57-3f0d6c2b9a11",
        "person_id": "1b7e8a0c-1d5f-4c1e-9a57-3f0d6c2b9a11",
        "routed_on": "2026-11-02",
        "urgent": False,
        "full_name": "Jan Kowalski",
        "birth_date": None,
        "pesel": None,
        "document_number": "ABC123456",
        "address": None,
        "contact": None,
        "routing_reason": "rodzina prosi o wsparcie",
        "reasons_for_help": ["bezrobocie"],
    }
    contract.validate(data)
    with pytest.raises(ContractViolation, match="reasons_for_help"):
        contract.validate({**data, "reasons_for_help": ["lenistwo"]})


def test_registry_refuses_two_contracts_of_one_type_and_names_unknown_types():
    with pytest.raises(ValueError, match="two contracts"):
        Registry([CLIENT_REGISTERED, CLIENT_REGISTERED])
    with pytest.raises(UnknownEventType):
        REGISTRY["pl.ops.intake.Nothing.v1"]


def test_consumers_and_upstreams_are_read_from_the_contracts():
    extra = Contract(
        producer="casework",
        name="Probe",
        version=1,
        fields=(uuid_field("case_id"),),
        consumers=frozenset({"decisions"}),
        description="test",
    )
    registry = Registry([*REGISTRY, extra])
    assert registry.upstreams_of("decisions") == ["casework", "intake"]
    assert [c.type for c in registry.consumed_by("casework", producer="intake")] == [
        "pl.ops.intake.CaseRouted.casework.v1", "pl.ops.intake.PersonCorrected.casework.v1",
        "pl.ops.intake.PersonErased.casework.v1",
    ]


def test_the_schemas_are_written_for_ui_clients_and_auditors(tmp_path, capsys):
    from shared.contracts.__main__ import main

    assert main(["--schemas", str(tmp_path)]) == 0
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {f"{c.type}.schema.json" for c in REGISTRY}
    assert main([]) == 0
    assert "pl.ops.intake.CaseRouted.casework.v1\n  from intake to casework" in capsys.readouterr().out


def test_an_amount_added_to_a_decision_event_is_caught():
    from shared.contracts.decisions import DECISION_ISSUED

    leaking = _with_field(DECISION_ISSUED, text_field("amount", DataClass.ADMINISTRATIVE))
    assert separation_violations([leaking]) == [
        "pl.ops.decisions.DecisionIssued.v1: field 'amount' (administrative) must not be broadcast"]
    widened = dataclasses.replace(leaking, consumers=frozenset({"casework"}))
    assert "must not reach casework" in separation_violations([widened])[0]


def test_a_goal_or_reason_added_to_a_contract_fact_is_caught():
    from shared.contracts.casework import CONTRACT_REFUSED

    for field in (text_field("goals", DataClass.SOCIAL_WORK), text_field("reason", DataClass.SOCIAL_WORK)):
        assert "must not reach decisions" in separation_violations([_with_field(CONTRACT_REFUSED, field)])[0]


def test_an_income_fee_or_health_detail_added_to_a_care_event_is_caught():
    from shared.contracts.care import CARE_SERVICE_GRANTED

    for field in (text_field("monthly_income", DataClass.ADMINISTRATIVE), text_field("fee_per_hour", DataClass.CARE),
                  text_field("health_condition", DataClass.CARE)):
        assert "must not reach casework" in separation_violations([_with_field(CARE_SERVICE_GRANTED, field)])[0]


def test_a_worker_assigned_to_a_case_reaches_staff_reports_without_the_case():
    from shared.contracts.casework import WORKER_ASSIGNED

    assert separation_violations([WORKER_ASSIGNED]) == []
    leaking = _with_field(WORKER_ASSIGNED, text_field("full_name", DataClass.IDENTITY))
    assert "'full_name' (identity) must not reach training" in separation_violations([leaking])[0]


# --- the declared data class is not trusted on its own -----------------------------------------

def _casework_and_decisions_facts():
    from shared.contracts.casework import CONTRACT_BROKEN, CONTRACT_REFUSED, SERVICES_REQUESTED
    from shared.contracts.decisions import DECISION_BECAME_FINAL, DECISION_ISSUED

    return CONTRACT_REFUSED, CONTRACT_BROKEN, SERVICES_REQUESTED, DECISION_ISSUED, DECISION_BECAME_FINAL


@pytest.mark.parametrize("name", ["reason", "goals", "goal_ids", "person_obligations", "note", "justification",
                                  "diagnosis", "amount", "monthly_income", "fee_per_hour", "need", "summary"])
@pytest.mark.parametrize("data_class", [DataClass.REFERENCE, DataClass.IDENTITY, DataClass.STAFF])
def test_content_declared_as_a_fact_or_identity_is_caught_in_every_published_event(name, data_class):
    for contract in _casework_and_decisions_facts():
        leaking = _with_field(contract, text_field(name, data_class))
        found = separation_violations([leaking])
        assert any(f"field '{name}'" in f and "names content" in f for f in found), (contract.type, found)


def test_a_reason_declared_as_a_reference_in_a_contract_refusal_is_caught():
    from shared.contracts.casework import CONTRACT_REFUSED

    found = separation_violations([_with_field(CONTRACT_REFUSED, text_field("reason", DataClass.REFERENCE))])
    assert found == ["pl.ops.casework.ContractRefused.v1: field 'reason' (reference) names content ('reason'), "
                     "which never travels outside its team's file"]


@pytest.mark.parametrize("field", [
    Field("amount", {"type": "number"}, DataClass.REFERENCE),
    Field("amount", {"type": "string"}, DataClass.REFERENCE),
    Field("kwota_zl", {"type": "string", "pattern": r"^\d+\.\d{2}$"}, DataClass.REFERENCE),
])
def test_an_amount_added_to_a_decision_as_a_reference_is_caught(field):
    from shared.contracts.decisions import DECISION_ISSUED

    assert separation_violations([_with_field(DECISION_ISSUED, field)])


@pytest.mark.parametrize("field, problem", [
    (Field("x", {"type": "string"}, DataClass.REFERENCE), "is free text"),
    (Field("x", {"type": "string", "minLength": 1, "maxLength": 2000}, DataClass.REFERENCE), "is free text"),
    (Field("x", {"type": "number"}, DataClass.REFERENCE), "is a number not named as a quantity"),
    (Field("x", {"type": "object"}, DataClass.REFERENCE), "has a shape (object)"),
    (Field("x", {"type": "array", "items": {"type": "string"}}, DataClass.REFERENCE), "has items that is free text"),
    (Field("x", {}, DataClass.REFERENCE), "has a shape (untyped)"),
])
def test_a_reference_field_must_be_a_fact_without_content(field, problem):
    from shared.contracts.casework import CONTRACT_REFUSED

    found = separation_violations([_with_field(CONTRACT_REFUSED, field)])
    assert len(found) == 1 and problem in found[0] and "not a fact without content" in found[0]


@pytest.mark.parametrize("field", [
    uuid_field("meeting_id"), date_field("met_on"), bool_field("first_meeting"),
    Field("kind", {"enum": ["a", "b"]}, DataClass.REFERENCE), text_field("meeting_ref", DataClass.REFERENCE),
    Field("hours", {"type": "number", "exclusiveMinimum": 0}, DataClass.REFERENCE),
    Field("planned_on", {"type": "string", "format": "date"}, DataClass.REFERENCE),
])
def test_ids_dates_flags_codes_references_and_hours_are_facts(field):
    from shared.contracts.casework import CONTRACT_REFUSED

    assert separation_violations([_with_field(CONTRACT_REFUSED, field)]) == []


def test_a_text_reference_carries_no_sentence():
    from shared.contracts.casework import CONTRACT_REFUSED

    data = {"person_id": "0b7e8a0c-1d5f-4c1e-9a57-3f0d6c2b9a11", "case_id": "1b7e8a0c-1d5f-4c1e-9a57-3f0d6c2b9a11",
            "contract_ref": "KS-1b7e8a0c-1", "occurred_on": "2026-11-06"}
    CONTRACT_REFUSED.validate(data)
    with pytest.raises(ContractViolation, match="contract_ref"):
        CONTRACT_REFUSED.validate({**data, "contract_ref": "odmówił, bo nie chce terapii"})


def test_a_team_may_not_publish_another_teams_file_even_to_that_team():
    from shared.contracts.casework import CONTRACT_REFUSED, SERVICES_REQUESTED

    found = separation_violations([_with_field(CONTRACT_REFUSED, text_field("x", DataClass.ADMINISTRATIVE))])
    assert found == ["pl.ops.casework.ContractRefused.v1: field 'x' (administrative) is the decisions team's file, "
                     "which casework does not keep"]
    found = separation_violations([_with_field(SERVICES_REQUESTED, text_field("x", DataClass.CARE))])
    assert found == ["pl.ops.casework.ServicesRequested.v1: field 'x' (care) is the care team's file, "
                     "which casework does not keep"]
    # first contact keeps no file of its own: its note is written for the team it routes to
    assert separation_violations(CASE_ROUTED.values()) == []


# --- versions: an event stored or sent as an earlier version is read as the current one -----------

_PROBE_V1 = Contract(producer="casework", name="Probe", version=1, fields=(uuid_field("case_id"),),
                     consumers=frozenset({"training"}), description="v1")
_PROBE_V3 = _PROBE_V1.next_version(
    fields=(uuid_field("case_id"), date_field("seen_on", nullable=True)),
    upcast=lambda d: {**d, "seen_on": None}, description="v2",
).next_version(
    fields=(uuid_field("case_id"), date_field("seen_on", nullable=True), bool_field("urgent")),
    upcast=lambda d: {**d, "urgent": False}, description="v3",
)
_CASE = "5b0c9a8e-1d2f-4e5a-9b6c-7d8e9f0a1b2c"


def test_an_earlier_version_is_upcast_one_version_at_a_time_and_checked_against_the_current():
    registry = Registry([_PROBE_V3])
    assert _PROBE_V3.types == ("pl.ops.casework.Probe.v1", "pl.ops.casework.Probe.v2", "pl.ops.casework.Probe.v3")
    assert [c.version for c in registry] == [3]  # the registry lists, and documents, the current version
    contract, data = registry.as_current("pl.ops.casework.Probe.v1", {"case_id": _CASE})
    assert contract is _PROBE_V3 and data == {"case_id": _CASE, "seen_on": None, "urgent": False}
    assert registry.as_current("pl.ops.casework.Probe.v2", {"case_id": _CASE, "seen_on": "2026-03-01"})[1] == {
        "case_id": _CASE, "seen_on": "2026-03-01", "urgent": False}
    current = {"case_id": _CASE, "seen_on": None, "urgent": True}
    assert registry.as_current("pl.ops.casework.Probe.v3", current) == (_PROBE_V3, current)
    assert registry.version_of("pl.ops.casework.Probe.v2") == (_PROBE_V3, 2)
    with pytest.raises(UnknownEventType):
        registry.version_of("pl.ops.casework.Probe.v4")


def test_an_earlier_version_s_data_is_checked_against_its_own_schema_and_a_failing_upcaster_is_named():
    registry = Registry([_PROBE_V3])
    with pytest.raises(ContractViolation, match="Probe.v1"):  # a v2 field in a v1 event
        registry.as_current("pl.ops.casework.Probe.v1", {"case_id": _CASE, "seen_on": None})
    bad = _PROBE_V1.next_version(fields=(uuid_field("case_id"), bool_field("urgent")),
                                 upcast=lambda d: {**d, "urgent": "yes"}, description="v2")
    with pytest.raises(ContractViolation, match="Probe.v2: urgent"):
        bad.as_current(1, {"case_id": _CASE})
    raising = _PROBE_V1.next_version(fields=(uuid_field("case_id"), bool_field("urgent")),
                                     upcast=lambda d: {**d, "urgent": d["flag"]}, description="v2")
    with pytest.raises(ContractViolation, match=r"Probe.v1 could not be read as v2 \(KeyError\)"):
        raising.as_current(1, {"case_id": _CASE})


def test_a_version_chain_has_every_earlier_version_of_the_same_event_each_with_an_upcaster():
    with pytest.raises(BrokenVersionChain, match="not 1 to 1"):
        dataclasses.replace(_PROBE_V1, version=2)  # v2 without its v1
    with pytest.raises(BrokenVersionChain, match="not an earlier version"):
        dataclasses.replace(_PROBE_V1, version=2, earlier=(dataclasses.replace(
            CLIENT_REGISTERED, upcast=lambda d: d),))
    with pytest.raises(BrokenVersionChain, match="needs an upcaster"):
        dataclasses.replace(_PROBE_V1, version=2, earlier=(dataclasses.replace(_PROBE_V1, description="no"),))
    with pytest.raises(ValueError, match="two contracts"):
        Registry([_PROBE_V3, _PROBE_V1])  # v1 is v3's earlier version already


def test_an_earlier_version_is_held_to_the_separation_rule_while_it_may_still_be_delivered():
    leaking_v1 = dataclasses.replace(_PROBE_V1, fields=(uuid_field("case_id"),
                                                        text_field("note", DataClass.SOCIAL_WORK)))
    upgraded = leaking_v1.next_version(fields=(uuid_field("case_id"),), upcast=lambda d: {"case_id": d["case_id"]},
                                       description="v2, without the note")
    assert "pl.ops.casework.Probe.v1: field 'note' (social_work) must not reach training" in (
        separation_violations([upgraded]))
