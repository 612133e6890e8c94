"""Staff registry, trainings, supervision and its rule at the edges, study visits, workload
from reported facts, art. 110 ust. 11, and the report a manager prints."""

import dataclasses
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from shared.rule_table import NoRuleInForce

from services.training.application import TrainingApplication
from services.training.domain import (
    EmployeeLeft,
    IncompleteAttendance,
    InvalidDate,
    NotEnrolled,
    NotFound,
    PeriodOutOfOrder,
    PeriodTooLong,
    SpecialisationOutOfOrder,
    TrainingError,
    UnknownCode,
    WorkloadFact,
    staffing,
    supervision_behind,
    supervision_months_missed,
)
from services.training.read_model import TrainingReadModel
from services.training.report import render_html, render_table, workload_chart
from services.training.rules import DEFAULT_TABLE, TrainingRules
from shared.rule_table import RuleTableError
from shared.contracts.care import CARE_HOURS_CORRECTED, CARE_HOURS_DELIVERED
from shared.contracts.casework import CASE_CLOSED, WORKER_ASSIGNED
from shared.contracts.decisions import DECISION_BY_OFFICER
from shared.envelope import Envelope, source_of


@pytest.fixture
def training(make_database_url):
    app = TrainingApplication(make_database_url("training"), population=9000)
    yield app
    app.close()


def fact(contract, producer, n, **data):
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of(producer), type=contract.type,
                            time=datetime.now(timezone.utc), subject="", data=data, notification_id=n)


def staff(training):
    ids = {}
    for name, team, role, fte in (("Tomasz Nowicki", "casework", "social_worker", "1"),
                                  ("Agata Mazur", "casework", "social_worker", "0.5"),
                                  ("Ewa Lis", "casework", "team_leader", "1"),
                                  ("B. Wójcik", "decisions", "benefit_officer", "1"),
                                  ("Halina Kot", "care", "carer", "0.75")):
        ids[name] = training.register_employee(name=name, team=team, role=role, fte=fte, joined_on="2026-01-01")
    return ids


def test_the_registry_refuses_what_a_centre_does_not_have(training):
    with pytest.raises(UnknownCode):
        training.register_employee(name="X", team="housing", role="social_worker", fte="1", joined_on="2026-01-01")
    with pytest.raises(UnknownCode):
        training.register_employee(name="X", team="casework", role="astrologer", fte="1", joined_on="2026-01-01")
    for fte in ("0", "1.01", "pół", True, "NaN"):
        with pytest.raises(TrainingError):
            training.register_employee(name="X", team="casework", role="carer", fte=fte, joined_on="2026-01-01")
    ids = staff(training)
    with pytest.raises(SpecialisationOutOfOrder):  # degree II follows degree I
        training.specialise(ids["Tomasz Nowicki"], "II", "2026-03-01")
    training.specialise(ids["Tomasz Nowicki"], "I", "2026-03-01")
    with pytest.raises(SpecialisationOutOfOrder, match="2026-02-28"):  # ... in time as well
        training.specialise(ids["Tomasz Nowicki"], "II", "2026-02-28")
    training.specialise(ids["Tomasz Nowicki"], "II", "2026-03-01")
    training.leave(ids["Agata Mazur"], "2026-06-30")
    with pytest.raises(EmployeeLeft):
        training.move(ids["Agata Mazur"], "care", "2026-07-01")
    with pytest.raises(NotFound):
        training.leave(uuid.uuid4(), "2026-06-30")


def test_a_training_is_completed_only_by_those_present_every_day(training):
    ids = staff(training)
    course = training.plan_training(title="Wypalenie zawodowe", topic="stres", provider="ROPS", hours="16",
                                    days=["2026-03-02", "2026-03-03"], place="Kraków")
    anna, jan = ids["Tomasz Nowicki"], ids["B. Wójcik"]
    with pytest.raises(NotEnrolled):
        training.attend(course, anna, "2026-03-02")
    training.enrol(course, anna)
    training.enrol(course, jan)
    with pytest.raises(InvalidDate):
        training.attend(course, anna, "2026-03-04")
    for day in ("2026-03-02", "2026-03-03"):
        training.attend(course, anna, day)
    training.attend(course, jan, "2026-03-02")
    with pytest.raises(IncompleteAttendance, match="2026-03-03"):
        training.complete(course, jan, "C/2")
    training.complete(course, anna, "C/1")
    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    assert report["teams"]["casework"]["trained_people"] == 1
    assert report["teams"]["casework"]["training_hours"] == Decimal("16")
    assert report["teams"]["decisions"]["trained_people"] == 0
    assert report["centre"]["training_hours_per_person"] == {"Tomasz Nowicki": Decimal("16")}
    # Completed on its last day: a period ending the day before does not count it.
    assert training.report(date(2026, 3, 1), date(2026, 3, 2))["centre"]["trained_people"] == 0


def test_supervision_rule_at_its_edge():
    today = date(2026, 5, 31)
    assert supervision_behind({"casework": date(2026, 4, 30)}, today, 1) == []  # exactly a month ago: in time
    [behind] = supervision_behind({"casework": date(2026, 4, 29)}, today, 1)
    assert behind["was_due_by"] == date(2026, 5, 29)
    assert supervision_behind({"care": None}, today, 1)[0]["last_session"] is None


def test_supervision_sessions_per_team_and_who_is_behind(training):
    ids = staff(training)
    training.hold_supervision([ids["Tomasz Nowicki"], ids["Agata Mazur"]], team="casework", kind="group",
                              held_on="2026-05-20", supervisor="dr K. Superwizor")
    training.hold_supervision([ids["B. Wójcik"]], team="decisions", kind="individual", held_on="2026-05-21",
                              supervisor="dr K. Superwizor")
    with pytest.raises(TrainingError):
        training.hold_supervision([ids["B. Wójcik"], ids["Ewa Lis"]], team="decisions", kind="individual",
                                  held_on="2026-05-21", supervisor="x")
    behind = {b["team"] for b in training.supervision_status(date(2026, 5, 31))}
    assert behind == {"intake", "decisions", "care"}  # an individual session is not the team's group session
    report = training.report(date(2026, 5, 1), date(2026, 5, 31))
    assert report["teams"]["casework"]["group_supervision"] == 1
    assert report["teams"]["decisions"]["individual_supervision"] == 1


STAFFING = TrainingRules.load().social_worker_staffing.on(date(2026, 1, 1))


def test_the_staffing_rule_applies_from_2015_in_its_wording_with_50_families():
    periods = TrainingRules.load().social_worker_staffing
    first = periods.on(date(2015, 1, 1))
    assert (first.inhabitants_per_worker, first.families_per_worker, first.minimum_workers) == (2000, 50, 3)
    assert first.source == ("art. 110 ust. 11 ustawy z dnia 12 marca 2004 r. o pomocy społecznej, as amended by "
                            "the Act of 18.03.2011 (Dz.U. 2011 nr 81 poz. 440), binding from 2015-01-01")
    with pytest.raises(NoRuleInForce):
        periods.on(date(2014, 12, 31))


def test_staffing_ratio_of_art_110():
    low = staffing(Decimal("2.9"), 5000, 40, STAFFING)
    assert (low["required_fte"], low["met"]) == (Decimal(3), False)  # never fewer than 3
    assert staffing(Decimal("3"), 5000, 40, STAFFING)["met"]
    # Either ratio satisfies the statute: 4.5 FTE for 9,000 inhabitants, though 400 families would need 8.
    either = staffing(Decimal("4.5"), 9000, 400, STAFFING)
    assert (either["required_by_population"], either["required_by_families"]) == (Decimal("4.5"), Decimal(8))
    assert (either["required_fte"], either["met"]) == (Decimal("4.5"), True)
    # ... and 5 FTE for 250 families in a town of 20,000 (which would need 10 by inhabitants).
    assert staffing(Decimal("5"), 20000, 250, STAFFING)["met"]
    # FTE, not heads rounded up: 4.5 FTE is short of 9,001 / 2,000 = 4.5005 when families need more.
    short = staffing(Decimal("4.5"), 9001, 251, STAFFING)
    assert (short["required_fte"], short["met"]) == (Decimal("4.51"), False)
    assert staffing(Decimal("4.75"), 9001, 251, STAFFING)["met"]  # no whole fifth worker is needed
    assert staffing(Decimal(0), 9000, 0, STAFFING)["inhabitants_per_fte"] is None


def test_the_staffing_standard_is_an_effective_dated_rule_table(tmp_path, make_database_url):
    text = DEFAULT_TABLE.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text + text[text.index("\n[[social_worker_staffing]]"):].replace(
        "valid_from = 2015-01-01", "valid_from = 2027-01-01").replace("families_per_worker = 50",
                                                                      "families_per_worker = 40"))
    rules = TrainingRules.load(own)
    assert rules.social_worker_staffing.on(date(2026, 12, 31)).families_per_worker == 50
    assert rules.social_worker_staffing.on(date(2027, 1, 1)).families_per_worker == 40
    app = TrainingApplication(make_database_url("training"), population=9000, rules_file=str(own))
    try:
        assert app.report(date(2027, 1, 1), date(2027, 1, 31))["workload"]["limit"] == 40
    finally:
        app.close()
    own.write_text(text.replace("minimum_workers = 3", "minimum_workers = 0"))
    with pytest.raises(RuleTableError, match="minimum_workers"):
        TrainingRules.load(own)


def test_workload_from_the_facts_other_teams_report(training):
    staff(training)
    case_a, case_b, case_c = (str(uuid.uuid4()) for _ in range(3))
    facts = [
        fact(WORKER_ASSIGNED, "casework", 1, worker="Tomasz Nowicki", case_id=case_a, assigned_on="2026-01-10"),
        fact(WORKER_ASSIGNED, "casework", 2, worker="Tomasz Nowicki", case_id=case_b, assigned_on="2026-02-03"),
        fact(WORKER_ASSIGNED, "casework", 3, worker="Agata Mazur", case_id=case_c, assigned_on="2026-02-05"),
        fact(WORKER_ASSIGNED, "casework", 4, worker="Agata Mazur", case_id=case_a, assigned_on="2026-02-20"),
        fact(CASE_CLOSED, "casework", 5, worker="Agata Mazur", case_id=case_c, closed_on="2026-03-15",
             outcome="goals_achieved"),
        fact(DECISION_BY_OFFICER, "decisions", 6, officer="B. Wójcik", proceeding_id=str(uuid.uuid4()),
             issued_on="2026-03-02"),
        fact(DECISION_BY_OFFICER, "decisions", 7, officer="B. Wójcik", proceeding_id=str(uuid.uuid4()),
             issued_on="2026-04-01"),
        fact(CARE_HOURS_DELIVERED, "care", 8, carer="Halina Kot", hours=2.5, delivered_on="2026-03-09",
             kind="uslugi_opiekuncze"),
        fact(CARE_HOURS_DELIVERED, "care", 9, carer="Halina Kot", hours=2, delivered_on="2026-03-11",
             kind="specjalistyczne_uslugi_opiekuncze"),
    ]
    for envelope in facts:
        assert training.process(envelope)
    assert training.process(facts[0]) is False  # a duplicate counts once
    report = training.report(date(2026, 1, 1), date(2026, 3, 31))
    workload = report["workload"]
    assert workload["families_per_social_worker"] == {"Agata Mazur": 1, "Tomasz Nowicki": 1}  # reassigned, closed
    assert [m["families_per_social_worker"] for m in workload["monthly"]] == [
        {"Tomasz Nowicki": 1}, {"Tomasz Nowicki": 1, "Agata Mazur": 2}, {"Tomasz Nowicki": 1, "Agata Mazur": 1}]
    assert workload["decisions_per_officer"] == {"B. Wójcik": Decimal("1")}  # April's is outside the period
    assert workload["care_hours_per_carer"] == {"Halina Kot": Decimal("4.5")}
    by_kind = {"specjalistyczne_uslugi_opiekuncze": Decimal(2), "uslugi_opiekuncze": Decimal("2.5")}
    assert workload["care_hours_per_carer_by_kind"] == {"Halina Kot": by_kind}
    assert report["centre"]["care_hours_by_kind"] == by_kind
    staffing_check = report["centre"]["staffing"]
    assert (staffing_check["social_worker_fte"], staffing_check["required_by_population"]) == (
        Decimal("1.5"), Decimal("4.5"))
    assert (staffing_check["required_by_families"], staffing_check["required_fte"]) == (Decimal("0.04"), Decimal(3))
    assert staffing_check["met"] is False
    assert report["teams"]["casework"]["staff"] == 3 and report["teams"]["casework"]["fte"] == Decimal("2.5")


def test_reported_facts_are_a_table_kept_across_restarts_with_the_names_sealed(make_database_url, tmp_path,
                                                                             monkeypatch):
    """The facts are rows of training's own database, read by period (nothing held in memory grows
    with the years of facts); a restart replays nothing; a member of staff's name is sealed there as
    in the log. On one day, a case assigned then closed is no one's load; closed then assigned again, it is;
    a fact reported late counts on its own day."""
    url = make_database_url("training")
    training = TrainingApplication(url, population=9000, secrets_dir=tmp_path)
    staff(training)
    case_a, case_b = str(uuid.uuid4()), str(uuid.uuid4())
    for envelope in (
            fact(WORKER_ASSIGNED, "casework", 1, worker="Tomasz Nowicki", case_id=case_a, assigned_on="2026-03-02"),
            fact(CASE_CLOSED, "casework", 2, worker="Tomasz Nowicki", case_id=case_a, closed_on="2026-03-02",
                 outcome="goals_achieved"),
            fact(CASE_CLOSED, "casework", 3, worker="Agata Mazur", case_id=case_b, closed_on="2026-03-02",
                 outcome="goals_achieved"),
            fact(WORKER_ASSIGNED, "casework", 4, worker="Agata Mazur", case_id=case_b, assigned_on="2026-03-02"),
            fact(CARE_HOURS_DELIVERED, "care", 5, carer="Halina Kot", hours=2, delivered_on="2026-02-27",
                 kind="uslugi_opiekuncze"),
            # reported late: an earlier assignment changes the load of the days before the closing only
            fact(WORKER_ASSIGNED, "casework", 6, worker="Ewa Lis", case_id=case_a, assigned_on="2026-02-20")):
        assert training.process(envelope)
    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    assert report["workload"]["families_per_social_worker"] == {"Agata Mazur": 1}
    assert report["centre"]["care_hours"] == 0  # February's hours are not March's
    stored = str(training.read_model.view.rows("SELECT * FROM training_facts"))
    assert "Nowicki" not in stored and "Mazur" not in stored and "Halina" not in stored
    training.close()

    def replayed(*_):
        raise AssertionError("the log was replayed")

    monkeypatch.setattr(TrainingReadModel, "changes", replayed)
    again = TrainingApplication(url, population=9000, secrets_dir=tmp_path)
    assert again.report(date(2026, 2, 1), date(2026, 3, 31))["workload"]["care_hours_per_carer"] == {
        "Halina Kot": Decimal(2)}
    assert again.open_cases_per_worker(date(2026, 3, 2)) == {"Agata Mazur": 1}
    assert again.open_cases_per_worker(date(2026, 2, 25)) == {"Ewa Lis": 1}
    again.close()


def test_the_report_renders_as_a_table_and_a_printable_page_with_its_chart(training):
    staff(training)
    training.process(fact(WORKER_ASSIGNED, "casework", 1, worker="Tomasz Nowicki", case_id=str(uuid.uuid4()),
                          assigned_on="2026-02-10"))
    report = training.report(date(2026, 1, 1), date(2026, 3, 31))
    from shared.web import to_json

    table = render_table(to_json(report))
    assert "Tomasz Nowicki" in table and "casework" in table
    assert table.count("NOT met") == 1 and "1.5 FTE, required 3.00 FTE: NOT met" in table
    assert "by inhabitants: 9000 / 2000 = 4.50 FTE (6000 inhabitants per FTE)" in table
    assert "by families: 1 / 50 = 0.02 FTE (0.7 families per FTE)" in table
    page = render_html(to_json(report))
    assert page.startswith("<!doctype html>") and "<svg" in page and "polyline" in page and "limit 50" in page


def test_a_period_that_ends_before_it_starts_is_refused(training):
    with pytest.raises(ValueError):
        training.report(date(2026, 3, 1), date(2026, 2, 1))


def test_a_one_month_chart_shows_its_values_on_a_scale(training):
    staff(training)
    for n in range(3):
        training.process(fact(WORKER_ASSIGNED, "casework", n + 1, worker="Tomasz Nowicki",
                              case_id=str(uuid.uuid4()), assigned_on="2026-11-03"))
    from shared.web import to_json

    chart = workload_chart(to_json(training.report(date(2026, 11, 1), date(2026, 11, 30))))
    assert 'data-worker="Tomasz Nowicki" data-month="2026-11" data-value="3"' in chart
    assert "<title>Tomasz Nowicki, 2026-11: 3</title>" in chart
    assert [t.split(">")[1] for t in chart.split('class="y-tick"')[1:]] == [
        str(v) + "</text" for v in (0, 10, 20, 30, 40, 50, 60)]
    point = chart.split('data-value="3"')[0].rsplit("<circle", 1)[1]
    cy = float(point.split('cy="')[1].split('"')[0])
    zero = float(chart.split('class="y-tick" x="42" y="')[1].split('"')[0]) - 4
    sixty = float(chart.split('class="y-tick" x="42" y="')[-1].split('"')[0]) - 4
    assert cy == pytest.approx(zero + (sixty - zero) * 3 / 60)  # 3 on the axis's scale


def test_the_supervision_rule_month_by_month_at_its_edges():
    first, last = date(2026, 1, 1), date(2026, 3, 31)
    sessions = {"casework": [date(2026, 1, 31), date(2026, 3, 1)], "care": [], "decisions": [date(2026, 2, 28)]}
    assert supervision_months_missed(sessions, first, last, 1) == {
        "casework": ["2026-02"], "care": ["2026-01", "2026-02", "2026-03"], "decisions": ["2026-01", "2026-03"]}
    # Every two months: December's session covers January; February's window is January–February.
    assert supervision_months_missed({"casework": [date(2025, 12, 15), date(2026, 3, 1)]}, first, last, 2) == {
        "casework": ["2026-02"]}
    # A period ending within a month judges it by the sessions up to the period's end.
    assert supervision_months_missed({"casework": [date(2026, 3, 20)]}, date(2026, 3, 1), date(2026, 3, 15),
                                     1) == {"casework": ["2026-03"]}
    with pytest.raises(TrainingError):
        supervision_months_missed({}, first, last, 0)


def test_the_report_shows_each_team_s_months_without_group_supervision(training):
    ids = staff(training)
    for held_on in ("2026-01-20", "2026-03-02"):
        training.hold_supervision([ids["Tomasz Nowicki"]], team="casework", kind="group", held_on=held_on,
                                  supervisor="dr K. Superwizor")
    training.hold_supervision([ids["Halina Kot"]], team="care", kind="individual", held_on="2026-02-10",
                              supervisor="dr K. Superwizor")
    report = training.report(date(2026, 1, 1), date(2026, 3, 31))
    missed = report["supervision_by_month"]["missed"]
    assert missed["casework"] == ["2026-02"]
    assert missed["care"] == ["2026-01", "2026-02", "2026-03"]  # an individual session is not the group's
    assert "management" not in missed and report["teams"]["management"]["supervision_months_missed"] is None
    assert report["teams"]["casework"]["supervision_months_missed"] == 1
    from shared.web import to_json

    table = render_table(to_json(report))
    assert "  casework    2026-02" in table and "  care        2026-01, 2026-02, 2026-03" in table
    page = render_html(to_json(report))
    grid = page.split("<h2>Group supervision, month by month</h2>")[1].split("<h2>")[0]
    casework_row = grid.split("<tr><th>casework</th>")[1].split("</tr>")[0]
    assert casework_row == '<td class="met">met</td><td class="missed">NOT met</td><td class="met">met</td>'


def test_care_hours_from_before_their_kind_was_published_count_as_not_reported(training):
    """Care's v1 CareHoursDelivered (no kind) read as v2, and a fact training stored from one before
    the upgrade (its Reported event of class version 1, without care_kind), load beside a v2 one."""
    before = WorkloadFact(source_event_id=str(uuid.uuid4()), kind="care_hours", who="Halina Kot",
                          on=date(2026, 3, 2), case_id=None, amount=Decimal(3), care_kind="uslugi_opiekuncze")
    stored = training.mapper.to_stored_event(before.collect_events()[0])
    state = training.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2 and state.pop("care_kind") == "uslugi_opiekuncze"
    training.recorder.insert_events([dataclasses.replace(stored, state=training.mapper.transcoder.encode(state))])
    assert training.repository.get(before.id).care_kind is None

    queued = fact(CARE_HOURS_DELIVERED.earlier[0], "care", 1, carer="Halina Kot", hours=2, delivered_on="2026-03-09")
    assert (queued.type, queued.data["kind"]) == (CARE_HOURS_DELIVERED.type, None)
    assert training.process(queued)
    assert training.process(fact(CARE_HOURS_DELIVERED, "care", 2, carer="Halina Kot", hours=1,
                                 delivered_on="2026-03-10", kind="specjalistyczne_uslugi_opiekuncze"))
    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    assert report["centre"]["care_hours"] == Decimal(6)
    assert report["centre"]["care_hours_by_kind"] == {"not_reported": Decimal(5),
                                                      "specjalistyczne_uslugi_opiekuncze": Decimal(1)}


def test_care_hours_follow_care_s_corrections_once_each(training):
    staff(training)
    training.register_employee(name="Ewa Zastępcza", team="care", role="carer", fte="1", joined_on="2026-01-01")
    delivered = [fact(CARE_HOURS_DELIVERED, "care", 1, carer="Halina Kot", hours=13, delivered_on="2026-03-09",
                      kind="uslugi_opiekuncze"),
                 fact(CARE_HOURS_DELIVERED, "care", 2, carer="Halina Kot", hours=2, delivered_on="2026-03-11",
                      kind="uslugi_opiekuncze")]
    corrections = [
        # 13 h was a typo for 3 h, and the substitute went that day
        fact(CARE_HOURS_CORRECTED, "care", 3, old_carer="Halina Kot", old_hours=13, old_delivered_on="2026-03-09",
             carer="Ewa Zastępcza", hours=3, delivered_on="2026-03-09", corrected_on="2026-03-12", kind="uslugi_opiekuncze"),
        # the second visit was on 1 April, outside the period
        fact(CARE_HOURS_CORRECTED, "care", 4, old_carer="Halina Kot", old_hours=2, old_delivered_on="2026-03-11",
             carer="Halina Kot", hours=2, delivered_on="2026-04-01", corrected_on="2026-04-02", kind="uslugi_opiekuncze")]
    for envelope in (*delivered, *corrections):
        assert training.process(envelope)
    assert training.process(corrections[0]) is False  # a duplicate counts once
    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    assert report["workload"]["care_hours_per_carer"] == {"Ewa Zastępcza": Decimal(3)}  # Halina Kot's are gone
    assert (report["teams"]["care"]["care_hours"], report["centre"]["care_hours"]) == (Decimal(3), Decimal(3))
    assert report["centre"]["care_hours_by_kind"] == {"uslugi_opiekuncze": Decimal(3)}  # the kind follows too
    assert training.report(date(2026, 4, 1), date(2026, 4, 30))["workload"]["care_hours_per_carer"] == {
        "Halina Kot": Decimal(2)}


def test_workload_per_team_and_for_the_centre(training):
    ids = staff(training)
    training.move(ids["Agata Mazur"], "care", "2026-03-20")  # her family counts where she is at the end
    case_a, case_b = str(uuid.uuid4()), str(uuid.uuid4())
    for n, envelope in enumerate([
        fact(WORKER_ASSIGNED, "casework", 1, worker="Tomasz Nowicki", case_id=case_a, assigned_on="2026-03-02"),
        fact(WORKER_ASSIGNED, "casework", 2, worker="Agata Mazur", case_id=case_b, assigned_on="2026-03-03"),
        fact(WORKER_ASSIGNED, "casework", 3, worker="Nieznany Pracownik", case_id=str(uuid.uuid4()),
             assigned_on="2026-03-04"),
        fact(DECISION_BY_OFFICER, "decisions", 4, officer="B. Wójcik", proceeding_id=str(uuid.uuid4()),
             issued_on="2026-03-02"),
        fact(DECISION_BY_OFFICER, "decisions", 5, officer="b.  wójcik", proceeding_id=str(uuid.uuid4()),
             issued_on="2026-03-31"),
        fact(DECISION_BY_OFFICER, "decisions", 6, officer="B. Wójcik", proceeding_id=str(uuid.uuid4()),
             issued_on="2026-04-01"),
        fact(CARE_HOURS_DELIVERED, "care", 7, carer="Halina Kot", hours=2.5, delivered_on="2026-03-09",
             kind="uslugi_opiekuncze"),
        fact(CARE_HOURS_DELIVERED, "care", 8, carer="Halina Kot", hours=2, delivered_on="2026-03-31",
             kind="uslugi_opiekuncze"),
    ], start=1):
        assert training.process(envelope), n
    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    teams, by_team = report["teams"], report["workload"]["by_team"]
    assert (teams["casework"]["families"], by_team["casework"]["families_per_social_worker"]) == (
        1, {"Tomasz Nowicki": 1})
    assert (teams["care"]["families"], teams["care"]["care_hours"]) == (1, Decimal("4.5"))
    assert teams["decisions"]["decisions_issued"] == 2  # April's is outside; the name however typed
    assert teams["casework"]["decisions_issued"] == 0 and teams["casework"]["care_hours"] == 0
    centre = report["centre"]
    assert (centre["families_in_social_work"], centre["decisions_issued"], centre["care_hours"]) == (
        3, 2, Decimal("4.5"))  # the centre counts the family of a name the registry does not know, too
    assert report["workload"]["not_matched_to_staff"] == ["Nieznany Pracownik"]
    from shared.web import to_json

    table = render_table(to_json(report))
    assert "centre 3 families, 2 decisions, 4.5 care hours" in table
    assert "  casework     families 1 (Tomasz Nowicki 1), decisions 0, care hours 0" in table
    assert "  decisions    families 0, decisions 2, care hours 0" in table
    assert "not in the staff registry: Nieznany Pracownik" in table
    page = render_html(to_json(report))
    decisions_row = page.split("<tr><th>decisions</th>")[1].split("</tr>")[0]
    assert decisions_row.endswith("<td>0</td><td>2</td><td>0</td>")


def test_study_visits_for_a_period_over_http_and_in_the_report(training):
    from werkzeug.test import EnvironBuilder

    from services.training.service import TrainingService
    from shared.web import to_json

    ids = staff(training)
    training.record_study_visit([ids["Ewa Lis"], ids["Tomasz Nowicki"]], host="MOPS Gdańsk", starts_on="2026-02-26",
                                ends_on="2026-03-01", learned="oddzielenie decyzji od pracy socjalnej")
    training.record_study_visit([ids["Agata Mazur"]], host="OPS Skawina", starts_on="2026-04-01",
                                ends_on="2026-04-01", learned="monitoring modelu")
    assert [v["host"] for v in training.study_visits_in(date(2026, 3, 1), date(2026, 3, 31))] == ["MOPS Gdańsk"]
    assert training.study_visits_in(date(2026, 2, 1), date(2026, 2, 25)) == []  # ... its first day is the 26th
    with pytest.raises(ValueError):
        training.study_visits_in(date(2026, 3, 1), date(2026, 2, 1))

    service = TrainingService()
    service.store = training

    def get(**args):
        response = service.study_visits(EnvironBuilder(path="/study-visits", query_string=args).get_request())
        return response.status_code, json.loads(response.get_data(as_text=True))

    status, visits = get(**{"from": "2026-01-01", "to": "2026-12-31"})
    assert status == 200 and [v["host"] for v in visits] == ["MOPS Gdańsk", "OPS Skawina"]
    assert visits[0] == {"study_visit_id": visits[0]["study_visit_id"], "host": "MOPS Gdańsk",
                         "starts_on": "2026-02-26", "ends_on": "2026-03-01",
                         "participants": [{"employee_id": str(ids["Ewa Lis"]), "name": "Ewa Lis"},
                                          {"employee_id": str(ids["Tomasz Nowicki"]), "name": "Tomasz Nowicki"}],
                         "learned": "oddzielenie decyzji od pracy socjalnej"}
    assert get(**{"from": "2026-01-01"})[0] == 400 and get(**{"from": "marzec", "to": "2026-12-31"})[0] == 400

    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    assert report["centre"]["study_visits"] == 1 and [v["host"] for v in report["study_visits"]] == ["MOPS Gdańsk"]
    table = render_table(to_json(report))
    assert ("  2026-02-26 – 2026-03-01 MOPS Gdańsk (Ewa Lis, Tomasz Nowicki): "
            "oddzielenie decyzji od pracy socjalnej") in table
    page = render_html(to_json(report))
    assert "<td>MOPS Gdańsk</td><td>2026-02-26</td><td>2026-03-01</td><td>Ewa Lis, Tomasz Nowicki</td>" in page
    assert "OPS Skawina" not in page


def test_a_full_time_equivalent_is_read_as_the_page_suggests_it_with_a_decimal_comma(training):
    training.register_employee(name="Anna Kos", team="casework", role="social_worker", fte="0,5",
                               joined_on="2026-01-01")
    assert [employee.fte for employee in training.employees()] == [Decimal("0.5")]


def test_a_report_s_period_is_in_order_and_at_most_ten_years(training):
    with pytest.raises(PeriodOutOfOrder):
        training.report(date(2026, 3, 31), date(2026, 3, 1))
    with pytest.raises(PeriodTooLong):  # the fuzzer's period: it kept the service busy for half a minute
        training.report(date(171, 5, 20), date(3047, 7, 30))
    with pytest.raises(PeriodTooLong):
        training.study_visits_in(date(2016, 1, 1), date(2026, 1, 2))
    assert training.report(date(2016, 3, 1), date(2026, 3, 1))["centre"]["staff"] == 0
