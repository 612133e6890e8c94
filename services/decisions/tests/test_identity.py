"""Who signs and who reads, through the application: a decision's signature is the signatory's
account and the centre's configured authority, never a request's; only a person authorised to sign
signs; every read of a person's proceeding by a member of staff is in the access log; the
director's MRPiPS-03 part carries figures only."""

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.decisions.application import (
    AuthorityNotConfigured,
    DecisionsApplication,
    NotASignatory,
    SignatureInRequest,
)
from services.decisions.tests.staff import AUTHORITY, OFFICER, SIGNATORY
from shared.contracts.casework import CONTRACT_REFUSED
from shared.envelope import Envelope, source_of

ANNA_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
CENTRE_IBAN = "PL27 1140 2004 0000 3002 0135 5387"
GRANT = dict(outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 38 u.p.s.", justification="",
             amount="400.00", period_from=date(2026, 4, 1), period_to=date(2026, 9, 30),
             payment_method="bank_transfer", account=ANNA_IBAN)


@pytest.fixture
def decisions(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def assessed(app, name="Anna Nowak", benefit="zasilek_okresowy", person_id=None):
    p = app.open_ex_officio(person_id or uuid.uuid4(), {"full_name": name, "pesel": "85071512348"}, benefit,
                            date(2026, 3, 2))
    app.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": name}],
                         incomes=[{"member": name, "source": "alimenty", "amount": "400"}])
    app.assess(p)
    return p


def final_grant(app, **kw):
    p = assessed(app, **kw)
    app.issue_decision(p, SIGNATORY, **GRANT)
    app.record_delivery(p, date(2026, 3, 12))
    app.become_final(p, date(2026, 3, 27))
    return p


def reads(app, staff=OFFICER):
    return app.access_log(staff_id=staff.id)["reads"]


# --- the signature --------------------------------------------------------------------------------

def test_a_decision_is_signed_by_the_signatorys_account_on_the_configured_authority(decisions):
    p = assessed(decisions)
    decisions.issue_decision(p, SIGNATORY, **GRANT)
    decision = decisions.proceeding(p).decision
    assert (decision["signed_by"], decision["on_authority_of"]) == ("Maria Kowalczyk", "Prezydenta Miasta")


def test_later_decisions_and_a_claim_are_signed_the_same_way(decisions):
    p = final_grant(decisions)
    later = dict(issued_on=date(2026, 4, 20), justification="zmiana dochodu")
    decisions.change(p, SIGNATORY, amount="350.00", effective_from=date(2026, 5, 1), **later)
    decisions.suspend(p, SIGNATORY, effective_from=date(2026, 6, 1), **later)
    decisions.resume(p, SIGNATORY, effective_from=date(2026, 7, 1), **later)
    decisions.revoke(p, SIGNATORY, effective_from=date(2026, 8, 1), **later)
    decisions.record_payment(p, "2026-04", date(2026, 4, 10))
    decisions.claim_back(p, SIGNATORY, months=["2026-04"], amount="100.00", issued_on=date(2026, 5, 5),
                         justification="zataił dochód")
    proceeding = decisions.proceeding(p)
    signatures = {(d["signed_by"], d["on_authority_of"]) for d in [*proceeding.later_decisions, *proceeding.claims]}
    assert signatures == {("Maria Kowalczyk", "Prezydenta Miasta")}
    assert len(proceeding.later_decisions) == 4 and len(proceeding.claims) == 1


@pytest.mark.parametrize("fields", [{"signed_by": "Anyone"}, {"on_authority_of": "Wójta Gminy"},
                                    {"signed_by": "", "on_authority_of": ""}])
def test_a_signature_in_the_request_is_refused_and_changes_nothing(decisions, fields):
    p = assessed(decisions)
    position = decisions.recorder.max_notification_id()
    with pytest.raises(SignatureInRequest):
        decisions.issue_decision(p, SIGNATORY, **GRANT, **fields)
    assert decisions.recorder.max_notification_id() == position and decisions.proceeding(p).decision is None


def test_later_decisions_and_claims_refuse_a_signature_in_the_request_too(decisions):
    p = final_grant(decisions)
    position = decisions.recorder.max_notification_id()
    later = dict(issued_on=date(2026, 4, 20), justification="zmiana", effective_from=date(2026, 5, 1),
                 signed_by="Anyone")
    for command in (decisions.revoke, decisions.suspend):
        with pytest.raises(SignatureInRequest):
            command(p, SIGNATORY, **later)
    with pytest.raises(SignatureInRequest):
        decisions.change(p, SIGNATORY, amount="350.00", **later)
    with pytest.raises(SignatureInRequest):
        decisions.claim_back(p, SIGNATORY, months=["2026-04"], amount="1", issued_on=date(2026, 5, 5),
                             justification="x", on_authority_of="Wójta Gminy")
    assert decisions.recorder.max_notification_id() == position


def test_only_a_person_authorised_to_sign_signs(decisions):
    p = assessed(decisions)
    position = decisions.recorder.max_notification_id()
    for someone in (OFFICER, None):
        with pytest.raises(NotASignatory):
            decisions.issue_decision(p, someone, **GRANT)
    assert isinstance(NotASignatory("x"), PermissionError)  # the HTTP edge answers 403
    assert decisions.recorder.max_notification_id() == position


def test_without_a_configured_authority_no_decision_is_issued(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of="  ")
    try:
        p = assessed(app)
        with pytest.raises(AuthorityNotConfigured, match="DECISIONS_ON_AUTHORITY_OF"):
            app.issue_decision(p, SIGNATORY, **GRANT)
        assert app.proceeding(p).decision is None
    finally:
        app.close()


def test_the_configuration_gives_the_authority_as_text(monkeypatch):
    from functools import partial
    from pathlib import Path

    import yaml
    from nameko.cli.main import IMPLICIT_ENV_VAR_MATCHER, env_var_constructor

    class Loader(yaml.SafeLoader):
        """nameko's reading of config files, without changing yaml's SafeLoader for other tests."""

    Loader.add_constructor("!env_var", env_var_constructor)
    Loader.add_constructor("!raw_env_var", partial(env_var_constructor, raw=True))
    Loader.add_implicit_resolver("!env_var", IMPLICIT_ENV_VAR_MATCHER, None)
    config = Path(__file__).parents[1] / "config.yaml"

    def setting():
        return yaml.load(config.read_text(), Loader=Loader)["SETTINGS"]["on_authority_of"]

    monkeypatch.delenv("DECISIONS_ON_AUTHORITY_OF", raising=False)
    assert setting() in (None, "")  # unset: no decision is signed until the centre names its authority
    monkeypatch.setenv("DECISIONS_ON_AUTHORITY_OF", "Burmistrza Skawiny: z upoważnienia")
    assert setting() == "Burmistrza Skawiny: z upoważnienia"  # raw: kept as text, not read as YAML


# --- the access log ---------------------------------------------------------------------------------

def test_reading_a_proceeding_is_recorded_with_who_and_whose(decisions):
    p = assessed(decisions)
    person_id = str(decisions.proceeding(p).person_id)
    assert decisions.access_log()["reads"] == []  # the system's own reads are not staff reads
    decisions.proceeding(p, reader=OFFICER)
    decisions.payment_schedule(p, date(2026, 12, 31), reader=OFFICER)
    decisions.due_payments(p, "2026-04", date(2026, 4, 1), reader=OFFICER)
    decisions.proceeding(p, reader=SIGNATORY)
    assert [(r["what"], r["subject_ids"], r["person_ids"], r["staff_name"]) for r in reads(decisions)] == [
        ("proceeding", [str(p)], [person_id], "B. Wójcik"), ("payment schedule", [str(p)], [person_id], "B. Wójcik"),
        ("due payments", [str(p)], [person_id], "B. Wójcik")]
    [signatory_read] = reads(decisions, SIGNATORY)
    assert signatory_read["roles"] == ["decision_signatory"] and signatory_read["request_id"] == SIGNATORY.request_id
    assert [r["staff_id"] for r in decisions.access_log(person_id=person_id)["reads"]] == [
        "b.wojcik", "b.wojcik", "b.wojcik", "m.kowalczyk"]


def test_lists_naming_persons_record_whom_they_showed(decisions):
    anna_id, jan_id = uuid.uuid4(), uuid.uuid4()
    anna = final_grant(decisions, person_id=anna_id)
    jan = assessed(decisions, "Jan Kos", person_id=jan_id)  # no decision yet: on the deadline list
    decisions.proceedings(person_id=anna_id, reader=OFFICER)
    decisions.proceedings(reader=OFFICER)
    decisions.deadlines(date(2026, 3, 3), 60, reader=OFFICER)
    decisions.interview_updates_due(date(2026, 8, 20), 30, reader=OFFICER)
    decisions.payment_list("2026-04", date(2026, 4, 1), reader=OFFICER)
    decisions.bank_transfer_file("2026-04", date(2026, 4, 1), "MOPS", CENTRE_IBAN, date(2026, 4, 10),
                                 datetime(2026, 4, 1, 9), reader=OFFICER)
    assert [(r["what"], r["person_ids"]) for r in reads(decisions)] == [
        ("proceedings", [str(anna_id)]),
        ("proceedings", sorted([str(anna_id), str(jan_id)])),
        ("deadlines", [str(jan_id)]),
        ("interview updates", [str(anna_id)]),
        ("payment list", [str(anna_id)]),
        ("bank transfer file", [str(anna_id)])]
    assert reads(decisions)[2]["subject_ids"] == [str(jan)] and reads(decisions)[4]["subject_ids"] == [str(anna)]


def test_an_empty_list_records_no_read_and_a_refused_file_names_whom_it_showed(decisions):
    decisions.deadlines(date(2026, 3, 3), 60, reader=OFFICER)
    decisions.payment_list("2026-04", date(2026, 4, 1), reader=OFFICER)
    assert reads(decisions) == []
    p = assessed(decisions)
    decisions.issue_decision(p, SIGNATORY, **{**GRANT, "account": None})
    decisions.record_delivery(p, date(2026, 3, 12))
    with pytest.raises(ValueError, match="no account for: Anna Nowak"):  # the error names her: a read
        decisions.bank_transfer_file("2026-04", date(2026, 4, 1), "MOPS", CENTRE_IBAN, date(2026, 4, 10),
                                     datetime(2026, 4, 1, 9), reader=OFFICER)
    assert [r["what"] for r in reads(decisions)] == ["bank transfer file"]


def test_health_contributions_and_review_tasks_record_their_reads(decisions):
    person_id = uuid.uuid4()
    p = decisions.open_ex_officio(person_id, {"full_name": "Jan Kos"}, "zasilek_staly", date(2026, 3, 2))
    decisions.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": "Jan Kos"}], incomes=[],
                               unable_to_work=True)
    decisions.assess(p)
    decisions.issue_decision(p, SIGNATORY, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 37",
                             justification="", amount="1229.00", period_from=date(2026, 4, 1), payment_method="cash")
    decisions.record_delivery(p, date(2026, 3, 12))
    assert decisions.health_contributions("2026-04", reader=OFFICER)["total"] == Decimal("110.61")
    decisions.process(Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_REFUSED.type, time=datetime.now(timezone.utc),
        subject="", notification_id=1, data={"person_id": str(person_id), "case_id": str(uuid.uuid4()),
                                             "contract_ref": "KS/2026/17", "occurred_on": "2026-04-02"}))
    [task] = decisions.review_tasks(reader=OFFICER)["tasks"]
    assert [(r["what"], r["person_ids"]) for r in reads(decisions)] == [
        ("health contributions", [str(person_id)]), ("review tasks", [str(person_id)])]
    assert reads(decisions)[1]["subject_ids"] == [str(task["task_id"])]


# --- the director's figures ----------------------------------------------------------------------------

def test_the_mrpips03_part_carries_figures_only(decisions):
    person_id = uuid.uuid4()
    p = final_grant(decisions, name="Anna Nowak", person_id=person_id)
    for month in ("2026-04", "2026-05"):
        decisions.record_payment(p, month, date(2026, int(month[-2:]), 10))
    part = decisions.mrpips03_part(2026, 1)
    assert part["zasilek_okresowy"] == {"benefits": 2, "amount": Decimal("800.00"), "persons": 1, "families": 1,
                                        "persons_in_families": 1}

    def leaves(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from leaves(inner)
        else:
            yield value

    for leaf in leaves(part):
        assert isinstance(leaf, (str, int, Decimal, type(None)))
        assert not isinstance(leaf, str) or leaf in {"zasilek_okresowy", "ogolem", "benefits", "amount", "persons",
                                                     "families", "persons_in_families"}
    text = str(part)
    for personal in (str(person_id), str(p), "Anna", "Nowak", "85071512348", "PL61"):
        assert personal not in text
    assert reads(decisions) == []  # figures, not a file: nothing to record
