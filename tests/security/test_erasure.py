"""Erasure by destroying a person's key (docs/architecture.md, "Erasure"), on both backends: after
it no store, view or export shows the person's data, the log verifies, a replay shows the person
erased, the others are intact and the counts still add up."""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from services.care.application import CareApplication
from services.casework.application import CaseworkApplication
from services.decisions.application import DecisionsApplication
from services.intake.application import IntakeApplication, PersonNotFound
from shared import audit
from shared.contracts.casework import PERSON_ERASED_FOR_CARE, SERVICES_REQUESTED
from shared.contracts.intake import CASE_ROUTED, PERSON_ERASED
from shared.erasure import (
    ERASED_TOPIC,
    MissingErasureGround,
    NoFileOfPerson,
    PersonAlreadyErased,
    PersonFileErased,
)
from shared.keys import KeyRingCipher, key_ring
from shared.retention import due, retention_table
from shared.roles import SOCIAL_WORKER
from shared.store import cipher_settings
from eventsourcing.utils import Environment
from tests.support.people import LEADER, pesel_for

NAME, SURNAME = "Anna Przybyszewska", "Przybyszewska"
NOTES = "Mieszka u siostry od marca"
GROUND = "JRWA BE10: okres przechowywania upłynął"
RULES = Path(__file__).resolve().parents[2] / "services"


def _opened(make_database_url, tmp_path, team_class, **settings):
    """intake's and a team's stores, each with its keys in `tmp_path`: (urls, intake, team)."""
    urls = {s: make_database_url(s) for s in ("intake", team_class.service)}
    intake = IntakeApplication(urls["intake"], secrets_dir=tmp_path)
    team = team_class(urls[team_class.service], secrets_dir=tmp_path, **settings)
    return urls, intake, team


@pytest.fixture
def stores(make_database_url, tmp_path):
    urls, intake, casework = _opened(make_database_url, tmp_path, CaseworkApplication)
    yield urls, intake, casework
    intake.close()
    casework.close()


def _routed(intake, team_app, name, number, on=date(2014, 3, 3), notes=NOTES, **talk):
    """A person first contact registered and routed to the team whose application is `team_app`."""
    person_id, _ = intake.register_person(registered_on=on, name=name, pesel=pesel_for(number),
                                          address={"street": "Długa 5", "postal_code": "00-001", "city": "Gdańsk"})
    contact = intake.record_first_contact(person_id, held_on=on, officer="Ewa Desk", reasons_for_help=["ubostwo"],
                                          notes=notes, **talk)
    case_id = intake.route_case(contact, team=team_app.service, reason=f"{name}: {notes}", routed_on=on)
    envelopes, _ = intake.integration_envelopes(0, 1000, types=[CASE_ROUTED[team_app.service].type])
    for envelope in envelopes:
        team_app.process(envelope)
    return person_id, case_id


def _stored_text(url: str) -> bytes:
    """Everything the database holds, as bytes: the SQLite files, or every row of every table."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    with psycopg.connect(url) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        return b"".join(repr(row).encode() + bytes(v) if isinstance(v, (bytes, memoryview)) else repr(row).encode()
                        for t in tables for row in connection.execute(f"SELECT * FROM {t}").fetchall() for v in row)


def _decrypted_states(app, key_file: Path) -> list[bytes]:
    """Every stored event's state opened with the store's key: what whoever holds it reads."""
    cipher = KeyRingCipher(Environment("x", cipher_settings(key_ring(key_file))))
    return [cipher.decrypt(n.state) for n in app.recorder.select_notifications(start=None, limit=100_000)]


@contextlib.contextmanager
def _replayed(app, url: str, tmp_path: Path, *hidden: bytes):
    """The service's log exported (holding none of `hidden`), verified, and replayed with the
    persons' keys of its store's key table."""
    path = tmp_path / f"{app.service}.jsonl"
    audit.export(app, path)
    exported = path.read_bytes()
    assert not [h for h in hidden if h in exported]
    replayed = audit.replay(audit.verify(path), store_key_file=tmp_path / f"{app.service}-store.key",
                            person_keys_url=url)
    try:
        yield replayed
    finally:
        replayed.close()


def test_an_erased_person_is_gone_from_every_store_view_and_export_and_the_log_verifies(stores, tmp_path):
    urls, intake, casework = stores
    anna, anna_case = _routed(intake, casework, NAME, 1)
    jan, jan_case = _routed(intake, casework, "Jan Kowalczyk", 2)
    pesel = pesel_for(1)
    before = {"routings": len(intake.routed_cases(limit=200)["routings"]),
              "open": len(casework.read_model.open_cases(None, 200, None)[0])}
    assert intake.find_by_name("przyby")[0][0].name == NAME

    intake.erase(anna, GROUND, date(2025, 1, 2), "Operator Olek")
    casework.erase(anna, GROUND, date(2025, 1, 2), "Operator Olek")

    # the person reads as erased, everywhere; the others are intact
    erased = intake.person(anna)
    assert erased.erased and erased.name is None and erased.pesel is None and erased.address is None
    assert intake.find_by_name("przyby") == ([], None)
    with pytest.raises(PersonNotFound):
        intake.find_by_pesel(pesel)
    assert intake.person(jan).name == "Jan Kowalczyk" and casework.repository.get(jan_case).person["full_name"]
    case = casework.repository.get(anna_case)
    assert case.erased and case.routing_reason is None and case.reasons_for_help == ["ubostwo"]
    # the counts that name no one still add up: the routing and the open case are still counted
    routings = intake.routed_cases(limit=200)["routings"]
    assert len(routings) == before["routings"]
    assert [r["full_name"] for r in routings if r["person_id"] == anna] == [None]
    opened = casework.read_model.open_cases(None, 200, None)[0]
    assert len(opened) == before["open"] and {c["full_name"] for c in opened} == {None, "Jan Kowalczyk"}
    # published events read as their references only
    envelopes, _ = intake.integration_envelopes(0, 1000, types=[CASE_ROUTED["casework"].type])
    [published] = [e for e in envelopes if e.data["person_id"] == str(anna)]
    assert published.data["full_name"] is None and published.data["pesel"] is None

    # no byte of the stores, nor any event opened with the store's key, shows the name, PESEL or notes
    for service, app in (("intake", intake), ("casework", casework)):
        stored = _stored_text(urls[service])
        assert pesel.encode() not in stored and SURNAME.encode() not in stored
        for state in _decrypted_states(app, tmp_path / f"{service}-store.key"):
            assert pesel.encode() not in state and SURNAME.encode() not in state
            assert NOTES.encode() not in state and "Przybyszewsk".encode() not in state.decode().encode()
        # the erasure is in the log, with its ground, naming the person by the reference only
        [record] = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(start=None, limit=10_000)
                    if n.topic == ERASED_TOPIC]
        assert (record.person_id, record.ground, record.erased_on) == (anna, GROUND, date(2025, 1, 2))

    # the export verifies; a replay shows Anna erased and Jan as he is
    path = tmp_path / "intake.jsonl"
    audit.export(intake, path)
    exported = path.read_bytes()
    assert pesel.encode() not in exported and SURNAME.encode() not in exported
    log = audit.verify(path)
    replayed = audit.replay(log, store_key_file=tmp_path / "intake-store.key", person_keys_url=urls["intake"])
    try:
        assert replayed.person(anna).erased and replayed.person(jan).name == "Jan Kowalczyk"
        assert replayed.find_by_name("przyby") == ([], None)
    finally:
        replayed.close()


def test_a_second_erasure_an_unknown_person_and_a_missing_ground_are_named_errors(stores):
    _, intake, casework = stores
    anna, _ = _routed(intake, casework, NAME, 1)
    with pytest.raises(MissingErasureGround):
        intake.erase(anna, " ", date(2025, 1, 2), "op")
    assert not intake.erased(anna)
    intake.erase(anna, GROUND, date(2025, 1, 2), "op")
    with pytest.raises(PersonAlreadyErased):
        intake.erase(anna, GROUND, date(2025, 1, 3), "op")
    with pytest.raises(NoFileOfPerson):
        intake.erase(uuid.uuid4(), GROUND, date(2025, 1, 2), "op")
    # nothing more is written to an erased file; the person coming back is registered anew
    with pytest.raises(PersonFileErased):
        intake.correct_person(anna, "contact", corrected_by="Ewa", reason="tel.", corrected_on=date(2025, 2, 1),
                              contact="600 000 000")
    again, new = intake.register_person(registered_on=date(2030, 1, 2), name=NAME, pesel=pesel_for(1))
    assert new and again != anna and intake.find_by_pesel(pesel_for(1)).id == again


def test_due_lists_by_reference_who_is_past_the_retention_period(stores):
    _, intake, casework = stores
    anna, _ = _routed(intake, casework, NAME, 1, on=date(2014, 3, 3))  # closed 2014: BE10 ends 2025-01-01
    jan, _ = _routed(intake, casework, "Jan Kowalczyk", 2, on=date(2016, 5, 5))
    table = retention_table(RULES / "intake" / "retention.toml")
    assert [p for p, *_ in due(intake, date(2024, 12, 31), table)] == []
    assert [(p, ends) for p, _, ends in due(intake, date(2025, 1, 1), table)] == [(anna, date(2025, 1, 1))]
    intake.erase(anna, GROUND, date(2025, 1, 2), "op")
    assert [p for p, *_ in due(intake, date(2030, 1, 1), table)] == [jan]
    # in casework only a person whose cases are all closed is due: both cases are open
    assert list(due(casework, date(2040, 1, 1), retention_table(RULES / "casework" / "retention.toml"))) == []


def test_the_operator_commands(stores, tmp_path):
    urls, intake, casework = stores
    anna, _ = _routed(intake, casework, NAME, 1)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "shared.erasure", *args, "--database-url", urls["intake"],
                               "--secrets", str(tmp_path)], capture_output=True, text=True, timeout=60)

    listed = run("due", "intake", "--on", "2025-06-01")
    assert listed.returncode == 0 and listed.stdout.startswith(str(anna)) and SURNAME not in listed.stdout
    erased = run("erase", "intake", str(anna), "--ground", GROUND, "--on", "2025-06-01")
    assert erased.returncode == 0, erased.stderr
    again = run("erase", "intake", str(anna), "--ground", GROUND, "--on", "2025-06-01")
    assert again.returncode == 1 and again.stderr.startswith("PersonAlreadyErased")
    # another process (this test's) stops using a key it read within PersonKeys.TTL; a new one at once
    fresh = IntakeApplication(urls["intake"], secrets_dir=tmp_path)
    try:
        assert fresh.person(anna).erased
    finally:
        fresh.close()


def test_an_erasure_at_first_contact_erases_the_file_at_casework_once_its_own_period_is_over(stores):
    _, intake, casework = stores
    anna, anna_case = _routed(intake, casework, NAME, 1)
    casework.save(*casework.team_member_changed(uuid.uuid4(), name="Tomasz Nowicki", team="casework",
                                                 roles=[SOCIAL_WORKER], active=True))
    casework.assign(LEADER, anna_case, "Tomasz Nowicki", date(2014, 3, 4))
    casework.record_diagnosis(LEADER, anna_case, areas={"work": "bez pracy"}, strengths="", resources="",
                              recorded_on="2014-03-10", with_person=True)
    goal = casework.add_goal(LEADER, anna_case, "praca", "2014-06-01")
    casework.evaluate(LEADER, anna_case, on="2014-06-20", final=True, summary="cel osiągnięty",
                      progress={goal: "achieved"})
    casework.close_case(LEADER, anna_case, outcome="goals_achieved", reason="cel", closed_on="2014-06-30")
    marek, marek_case = _routed(intake, casework, "Marek Zieliński", 3)  # his case is still open
    jan, _ = intake.register_person(registered_on=date(2014, 3, 3), name="Jan Kowalczyk", pesel=pesel_for(2))
    for person in (anna, marek, jan):  # Jan was never routed to casework
        intake.erase(person, GROUND, date(2025, 1, 2), "Operator Olek")

    notices, _ = intake.log_for("casework", after=0, limit=1000)
    notices = {e.data["person_id"]: e for e in notices if e.type == PERSON_ERASED["casework"].type}
    assert set(notices) == {str(anna), str(marek)}
    assert notices[str(anna)].data == {"person_id": str(anna), "erased_on": "2025-01-02"}  # no ground, no name
    for notice in notices.values():
        assert casework.process(notice)
    # Anna's social-work file, closed in 2014, is past its 10 years on 2025-01-02: erased here too
    assert casework.erased(anna) and casework.repository.get(anna_case).erased
    [record] = [casework.mapper.to_domain_event(n) for n in casework.recorder.select_notifications(
        start=None, limit=10_000) if n.topic == ERASED_TOPIC]
    assert (record.person_id, record.erased_on, record.erased_by) == (anna, date(2025, 1, 2), "intake")
    # casework's `due` no longer lists Anna: her file is erased (its cases' rows stay, still counted)
    assert list(due(casework, date(2030, 1, 1), retention_table(RULES / "casework" / "retention.toml"))) == []
    # Marek's case is open: the social-work file keeps its own period, and is not erased
    assert not casework.erased(marek) and casework.repository.get(marek_case).person["full_name"] == "Marek Zieliński"
    # handled once: a redelivery is a duplicate, a replay of the notice (no tracking) changes nothing
    assert casework.process(notices[str(anna)]) is False
    assert casework.process(notices[str(anna)], track=False) and casework.erased(anna)


# --- decisions: a person's proceedings, erased by their key (services/decisions/domain.py PERSONAL) ----------

BENEFIT_NOTES = "Alimenty od byłego męża nieregularne"
IBAN = "PL61 1090 1014 0000 0712 1981 2874"


@pytest.fixture
def benefits(make_database_url, tmp_path):
    from services.decisions.tests.staff import AUTHORITY

    urls, intake, decisions = _opened(make_database_url, tmp_path, DecisionsApplication, on_authority_of=AUTHORITY)
    yield urls, intake, decisions
    intake.close()
    decisions.close()


def _applied(intake, decisions, name, number, on=date(2019, 3, 4)):
    """A person first contact routed to the benefits team for a zasiłek okresowy, interviewed."""
    person_id, _ = _routed(intake, decisions, name, number, on, notes=BENEFIT_NOTES, help_requested=["zasilek_okresowy"])
    [proceeding] = decisions.proceedings(person_id=person_id)["proceedings"]
    daughter = f"Zofia {name.split()[-1]}"
    decisions.record_interview(proceeding.id, held_on=on.replace(day=6), assets=f"{name}: {BENEFIT_NOTES}",
                               household=[{"name": name}, {"name": daughter, "relation": "córka"}],
                               incomes=[{"member": name, "source": "alimenty", "amount": "300"},
                                        {"member": daughter, "source": "inne", "amount": "100"}])
    return person_id, proceeding.id


def _paid_grant(decisions, proceeding_id, year=2019):
    """Granted April to June of `year`, final, every month paid: the proceeding is over on 30 June."""
    from services.decisions.tests.staff import SIGNATORY

    assessment = decisions.assess(proceeding_id)
    applied_on = decisions.proceeding(proceeding_id).applied_on
    decisions.issue_decision(proceeding_id, SIGNATORY, outcome="grant", issued_on=applied_on.replace(day=11),
                             legal_basis="art. 38 u.p.s.", justification=f"Sytuacja: {BENEFIT_NOTES}",
                             amount=str(assessment["max_amount"]), period_from=date(year, 4, 1),
                             period_to=date(year, 6, 30), payment_method="bank_transfer", account=IBAN)
    decisions.record_delivery(proceeding_id, applied_on.replace(day=13))
    decisions.become_final(proceeding_id, applied_on.replace(day=30))
    for month in (4, 5, 6):
        decisions.record_payment(proceeding_id, f"{year}-{month:02d}", date(year, month, 10))


def _notice_to(intake, team, person_id):
    notices, _ = intake.log_for(team, after=0, limit=1000)
    return [e for e in notices if e.type == PERSON_ERASED[team].type and e.data["person_id"] == str(person_id)]


def test_an_erasure_at_first_contact_erases_a_closed_benefits_file_and_the_report_still_adds_up(benefits, tmp_path):
    urls, intake, decisions = benefits
    anna, anna_p = _applied(intake, decisions, NAME, 1)
    _paid_grant(decisions, anna_p)
    jan, jan_p = _applied(intake, decisions, "Jan Kowalczyk", 2)
    _paid_grant(decisions, jan_p)
    pesel = pesel_for(1)
    report = decisions.mrpips03_part(2019, 1)
    assert report["zasilek_okresowy"]["persons_in_families"] == 4  # two households of two
    assert decisions.file_closed(anna) == date(2019, 6, 30)

    intake.erase(anna, GROUND, date(2030, 1, 2), "Operator Olek")
    [notice] = _notice_to(intake, "decisions", anna)
    assert notice.data == {"person_id": str(anna), "erased_on": "2030-01-02"}  # no ground, no name
    assert decisions.process(notice)

    # closed on 2019-06-30, BE10: past its period on 2030-01-01, so erased here too, by "intake"
    assert decisions.erased(anna) and not decisions.erased(jan)
    [record] = [decisions.mapper.to_domain_event(n) for n in decisions.recorder.select_notifications(
        start=None, limit=10_000) if n.topic == ERASED_TOPIC]
    assert (record.person_id, record.erased_on, record.erased_by) == (anna, date(2030, 1, 2), "intake")
    p = decisions.proceeding(anna_p)
    assert p.person["full_name"] is None and p.person["pesel"] is None
    assert p.decision["party"] == {"full_name": None, "address": None} and p.decision["account"] is None
    assert p.decision["justification"] is None and p.interviews[-1]["assets"] is None
    assert [m["name"] for m in p.interviews[-1]["household"]] == [None, None]
    assert [i["member"] for i in p.interviews[-1]["incomes"]] == [None, None]
    # what is counted stays: the household's size, the incomes' and the payments' amounts
    assert [m["relation"] for m in p.interviews[-1]["household"]] == ["wnioskodawca", "córka"]
    assert [str(i["amount"]) for i in p.interviews[-1]["incomes"]] == ["300.00", "100.00"]
    assert len(p.payments) == 3 and p.decision["amount"] is not None
    assert decisions.mrpips03_part(2019, 1) == report
    assert decisions.proceeding(jan_p).person["full_name"] == "Jan Kowalczyk"
    # nothing more is written to the erased file, and nothing is stored trying
    stored = decisions.recorder.max_notification_id()
    with pytest.raises(PersonFileErased):
        decisions.assign(anna_p, "B. Wójcik")
    with pytest.raises(PersonFileErased):
        decisions.record_payment_returned(anna_p, "2019-06", date(2019, 6, 20), "rachunek zamknięty")
    assert decisions.recorder.max_notification_id() == stored
    # what decisions published carries references and codes only: it still reads, for the director's figures
    envelopes, _ = decisions.integration_envelopes(0, 1000)
    assert {e.data["benefit"] for e in envelopes if e.data.get("person_id") == str(anna)} == {"zasilek_okresowy"}

    # no byte of the store, nor any event opened with the store's key, shows the name, PESEL or notes
    stored_bytes = _stored_text(urls["decisions"])
    assert pesel.encode() not in stored_bytes and SURNAME.encode() not in stored_bytes
    for state in _decrypted_states(decisions, tmp_path / "decisions-store.key"):
        assert pesel.encode() not in state and SURNAME.encode() not in state.decode().encode()
        assert BENEFIT_NOTES.encode() not in state and IBAN.replace(" ", "").encode() not in state

    # the export verifies; a replay shows Anna erased, Jan as he is, and the same report
    with _replayed(decisions, urls["decisions"], tmp_path, pesel.encode(), SURNAME.encode()) as replayed:
        assert replayed.proceeding(anna_p).person["full_name"] is None
        assert replayed.proceeding(jan_p).person["full_name"] == "Jan Kowalczyk"
        assert replayed.mrpips03_part(2019, 1) == report


def test_the_benefits_file_is_not_erased_before_its_own_retention_period_is_over(benefits):
    _, intake, decisions = benefits
    anna, anna_p = _applied(intake, decisions, NAME, 1)  # no decision yet: the proceeding is open
    marek, marek_p = _applied(intake, decisions, "Marek Zieliński", 3)
    _paid_grant(decisions, marek_p, year=2022)  # over on 2022-06-30: kept until 2033-01-01
    jan, _ = intake.register_person(registered_on=date(2019, 3, 4), name="Jan Kowalczyk", pesel=pesel_for(2))
    for person in (anna, marek, jan):  # Jan was never routed to the benefits team
        intake.erase(person, GROUND, date(2030, 1, 2), "Operator Olek")
    assert _notice_to(intake, "decisions", jan) == [] and _notice_to(intake, "casework", anna) == []
    for person in (anna, marek):
        [notice] = _notice_to(intake, "decisions", person)
        assert decisions.process(notice)
        assert not decisions.erased(person)
    assert decisions.file_closed(anna) is None and decisions.file_closed(marek) == date(2022, 6, 30)
    assert decisions.proceeding(anna_p).person["full_name"] == NAME
    assert decisions.proceeding(marek_p).interviews[-1]["household"][0]["name"] == "Marek Zieliński"
    assert not [n for n in decisions.recorder.select_notifications(start=None, limit=10_000)
                if n.topic == ERASED_TOPIC]


def test_the_operator_commands_for_the_benefits_team(benefits, tmp_path):
    urls, intake, decisions = benefits
    anna, anna_p = _applied(intake, decisions, NAME, 1)
    _paid_grant(decisions, anna_p)
    _applied(intake, decisions, "Jan Kowalczyk", 2)  # still open: never due

    def run(*args):
        return subprocess.run([sys.executable, "-m", "shared.erasure", *args, "--database-url", urls["decisions"],
                               "--secrets", str(tmp_path)], capture_output=True, text=True, timeout=60)

    assert run("due", "decisions", "--on", "2029-12-31").stdout == ""
    listed = run("due", "decisions", "--on", "2030-01-01")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == f"{anna}\tclosed 2019-06-30\tperiod ended 2030-01-01\n"
    erased = run("erase", "decisions", str(anna), "--ground", GROUND, "--on", "2030-01-01")
    assert erased.returncode == 0, erased.stderr
    assert run("due", "decisions", "--on", "2030-01-01").stdout == ""  # the erased are not listed
    fresh = DecisionsApplication(urls["decisions"], secrets_dir=tmp_path)
    try:
        assert fresh.erased(anna) and fresh.proceeding(anna_p).person["full_name"] is None
    finally:
        fresh.close()


# --- care: a person's care services, erased by their key (services/care/domain.py PERSONAL) -----------

CARE_REASON = "Córka przejęła opiekę nad Anną"


@pytest.fixture
def caring(make_database_url, tmp_path):
    urls, intake, care = _opened(make_database_url, tmp_path, CareApplication, on_authority_of="Prezydenta Miasta")
    yield urls, intake, care
    intake.close()
    care.close()


def _cared_for(intake, care, name, number, ended_on=date(2025, 6, 27)):
    """A person first contact routed to the care team, given care services from April 2025, ended
    on `ended_on` (None: still running)."""
    person_id, _ = _routed(intake, care, name, number, date(2025, 3, 3), notes=CARE_REASON,
                           help_requested=["uslugi_opiekuncze"])
    [service] = care.person_files(person_id)
    care.assess(service.id, assessed_on=date(2025, 3, 5), kind="uslugi_opiekuncze", activities=["personal_care"],
                hours_per_week="5", period_from=date(2025, 4, 1), period_to=None)
    care.state_income(service.id, members=1, monthly_income="1500", stated_on=date(2025, 3, 5))
    care.grant(service.id, signed_by="Maria Kowalczyk", issued_on=date(2025, 3, 7), exemption_percent="50",
               exemption_reason=f"{name}: {CARE_REASON}")
    carer = care.register_carer("Halina Opiekunka", "MOPS")
    care.set_roster(service.id, carer, [{"weekday": "mon", "hours": "5"}])
    care.record_visit(service.id, carer, on=date(2025, 4, 7), hours="5", activities=["personal_care"])
    care.record_missed_visit(service.id, carer, on=date(2025, 4, 14), reason=f"{name} w szpitalu")
    if ended_on:
        care.end(service.id, ended_on, f"{name}: {CARE_REASON}")
    return person_id, service.id


def test_an_erasure_at_first_contact_erases_a_closed_care_file_and_the_figures_stay(caring, tmp_path):
    urls, intake, care = caring
    anna, anna_s = _cared_for(intake, care, NAME, 1)
    jan, jan_s = _cared_for(intake, care, "Jan Kowalczyk", 2)
    marek, marek_s = _cared_for(intake, care, "Marek Zieliński", 3, ended_on=None)  # still cared for
    pesel = pesel_for(1)
    report, hours = care.mrpips03_part(2025, 1), care.hours(date(2025, 4, 1), date(2025, 6, 30))
    for person in (anna, marek):
        intake.erase(person, GROUND, date(2036, 1, 2), "Operator Olek")
        [notice] = _notice_to(intake, "care", person)
        assert notice.data == {"person_id": str(person), "erased_on": "2036-01-02"}
        assert care.process(notice)
    # Anna's services ended in 2025: past BE10 on 2036-01-01, erased here too; Marek's still run: kept
    assert care.erased(anna) and not care.erased(marek) and not care.erased(jan)
    assert care.care_service(marek_s).person["full_name"] == "Marek Zieliński"
    s = care.care_service(anna_s)
    assert s.person["full_name"] is None and s.grant["exemption_reason"] is None and s.ended["reason"] is None
    assert s.missed[0]["reason"] is None and s.visits[0]["hours"] and s.grant["monthly_income"]
    assert care.mrpips03_part(2025, 1) == report
    after = care.hours(date(2025, 4, 1), date(2025, 6, 30))
    assert [r["person"] for r in after["people"]] == [None, "Jan Kowalczyk", "Marek Zieliński"]  # the hours stay
    assert {**after, "people": [{**r, "person": None} for r in after["people"]]} == {
        **hours, "people": [{**r, "person": None} for r in hours["people"]]}
    stored = care.recorder.max_notification_id()
    with pytest.raises(PersonFileErased):
        care.end(anna_s, date(2037, 1, 1), "x")
    assert care.recorder.max_notification_id() == stored
    stored_bytes = _stored_text(urls["care"])
    assert pesel.encode() not in stored_bytes and SURNAME.encode() not in stored_bytes
    for state in _decrypted_states(care, tmp_path / "care-store.key"):
        assert pesel.encode() not in state and SURNAME.encode() not in state.decode().encode()
        assert CARE_REASON.encode() not in state
    with _replayed(care, urls["care"], tmp_path, pesel.encode(), SURNAME.encode()) as replayed:
        assert replayed.care_service(anna_s).person["full_name"] is None
        assert replayed.care_service(jan_s).person["full_name"] == "Jan Kowalczyk"
        assert replayed.mrpips03_part(2025, 1) == report


def test_a_care_file_social_work_asked_for_is_erased_on_casework_s_notice(make_database_url, tmp_path):
    # intake routed Anna to social work only; her care file came from a social worker's request, so
    # intake sends care no notice: casework passes its own on, as it passes on corrections.
    _, intake, casework = _opened(make_database_url, tmp_path, CaseworkApplication)
    care_url = make_database_url("care")
    care = CareApplication(care_url, secrets_dir=tmp_path, on_authority_of="Prezydenta Miasta")
    try:
        anna, anna_case = _routed(intake, casework, NAME, 1, on=date(2025, 3, 3))
        marek, _ = _routed(intake, casework, "Marek Zieliński", 3, on=date(2025, 3, 3))  # never asked care for
        casework.save(*casework.team_member_changed(uuid.uuid4(), name="Tomasz Nowicki", team="casework",
                                                     roles=[SOCIAL_WORKER], active=True))
        casework.assign(LEADER, anna_case, "Tomasz Nowicki", date(2025, 3, 3))
        casework.request_service(LEADER, anna_case, "uslugi_opiekuncze", False, "pomoc w codziennych czynnościach",
                                 "2025-03-04")
        [request] = casework.integration_envelopes(0, 1000, types=[SERVICES_REQUESTED.type])[0]
        assert care.process(request)
        [service] = care.person_files(anna)
        care.assess(service.id, assessed_on=date(2025, 3, 5), kind="uslugi_opiekuncze",
                    activities=["personal_care"], hours_per_week="5", period_from=date(2025, 4, 1), period_to=None)
        care.end(service.id, date(2025, 6, 27), "zakończone")
        for person in (anna, marek):
            intake.erase(person, GROUND, date(2036, 1, 2), "Operator Olek")
            [notice] = _notice_to(intake, "casework", person)
            assert casework.process(notice)
        assert _notice_to(intake, "care", anna) == []

        passed_on = casework.integration_envelopes(0, 1000, types=[PERSON_ERASED_FOR_CARE.type])[0]
        assert [e.data for e in passed_on] == [{"person_id": str(anna), "erased_on": "2036-01-02"}]  # no ground
        assert care.process(passed_on[0])
        # her care ended in 2025: past BE10 on 2036-01-02, the care file is erased too
        assert care.erased(anna) and care.care_service(service.id).person["full_name"] is None
        stored = _stored_text(care_url)
        assert SURNAME.encode() not in stored and pesel_for(1).encode() not in stored
    finally:
        care.close()
        intake.close()
        casework.close()
