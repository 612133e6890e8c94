"""decisions' lists read from its tables (services/decisions/read_model.py), on both stores: their
order, paging by key while proceedings are added, the filters, the reports loading only what can
concern them, and the view after a restart, caught up from its own position."""

import uuid
from datetime import date, datetime, timezone

import pytest

from services.decisions.application import DecisionsApplication
from services.decisions.read_model import DecisionsReadModel
from services.decisions.tests.staff import AUTHORITY, OFFICER, SIGNATORY
from shared.contracts.casework import CONTRACT_REFUSED
from shared.envelope import Envelope, source_of
from shared.views import PageLimitOutOfRange, UnknownCursor


@pytest.fixture
def decisions(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def opened(app, name="Anna Nowak", learned_on=date(2026, 3, 2), person_id=None, benefit="zasilek_celowy"):
    return app.open_ex_officio(person_id or uuid.uuid4(), {"full_name": name}, benefit, learned_on)


def every_page(ask, items, limit):
    """The whole list, page after page, and the pages' sizes."""
    found, sizes, after = [], [], None
    while True:
        answer = ask(limit=limit, after=after)
        found += answer[items]
        sizes.append(len(answer[items]))
        after = answer["next_after"]
        if after is None:
            return found, sizes


def granted(app, learned_on=date(2026, 3, 2), period_from=date(2026, 4, 1)):
    """A final grant of zasiłek stały from `period_from`, without an end."""
    p = opened(app, learned_on=learned_on, benefit="zasilek_staly")
    app.record_interview(p, held_on=learned_on, household=[{"name": "Anna Nowak"}], incomes=[], unable_to_work=True)
    app.assess(p)
    app.issue_decision(p, signatory=SIGNATORY, outcome="grant", issued_on=learned_on, legal_basis="art. 37",
                       justification="", amount="1229.00", period_from=period_from, payment_method="cash")
    app.record_delivery(p, learned_on)
    app.become_final(p, date(2026, 3, 30))
    return p


def test_proceedings_come_in_the_order_opened_a_page_at_a_time_without_repeats_or_skips(decisions):
    first = [opened(decisions, f"Osoba {i}") for i in range(5)]
    page = decisions.proceedings(limit=2)
    assert [p.id for p in page["proceedings"]] == first[:2] and page["next_after"]
    added = [opened(decisions, f"Nowa {i}") for i in range(3)]  # opened while the officer reads the pages
    rest, after = [], page["next_after"]
    while after:
        page = decisions.proceedings(limit=2, after=after)
        rest += [p.id for p in page["proceedings"]]
        after = page["next_after"]
    assert rest == first[2:] + added
    assert decisions.proceedings(limit=2, after=decisions.proceedings(limit=1)["next_after"])["proceedings"][0].id \
        == first[1]


def test_the_filters_read_a_person_an_officer_a_state(decisions):
    anna = uuid.uuid4()
    a1, a2 = opened(decisions, person_id=anna), opened(decisions, person_id=anna, benefit="posilek")
    other = opened(decisions, "Jan Kowal")
    decisions.assign(a2, "B. Wójcik")
    decisions.assign(other, "B. Wójcik")
    decisions.record_interview(other, held_on=date(2026, 3, 4), household=[{"name": "Jan Kowal"}], incomes=[])
    ids = lambda **f: [p.id for p in decisions.proceedings(**f)["proceedings"]]  # noqa: E731
    assert ids(person_id=anna) == [a1, a2]
    assert ids(officer="B. Wójcik") == [a2, other]
    assert ids(state="interviewed") == [other] and ids(state="awaiting_interview") == [a1, a2]
    assert ids(person_id=anna, officer="B. Wójcik") == [a2]
    assert ids(person_id=uuid.uuid4()) == [] and ids(state="final") == []


def test_a_limit_out_of_range_or_a_cursor_no_list_gave_is_refused(decisions):
    opened(decisions)
    for limit in (0, 201, "50", True):
        with pytest.raises(PageLimitOutOfRange):
            decisions.proceedings(limit=limit)
    for after in ("not-a-cursor", "W10", "WyJhIiwxXQ"):  # garbage, an empty key, a key of another shape
        with pytest.raises(UnknownCursor):
            decisions.deadlines(date(2026, 3, 3), 60, after=after)
        with pytest.raises(UnknownCursor):
            decisions.review_tasks(after=after)


def test_deadlines_soonest_first_paged_the_same_as_whole(decisions):
    for day in (5, 2, 9, 2):  # two opened the same day: in the order opened
        opened(decisions, f"Osoba {day}", learned_on=date(2026, 3, day))
    decisions.record_interview(decisions.proceedings()["proceedings"][0].id, held_on=date(2026, 3, 6),
                               household=[{"name": "Osoba 5"}], incomes=[])
    whole = decisions.deadlines(date(2026, 3, 3), 60)["deadlines"]
    assert [d["due"] for d in whole] == sorted(d["due"] for d in whole)
    assert len(whole) == 7  # the interviewed one has no interview due any more
    paged, sizes = every_page(lambda **p: decisions.deadlines(date(2026, 3, 3), 60, **p), "deadlines", 2)
    assert paged == whole and sizes == [2, 2, 2, 1]
    assert {d["person"] for d in whole} == {"Osoba 5", "Osoba 2", "Osoba 9"}
    assert decisions.deadlines(date(2026, 3, 3), 0)["deadlines"] == []  # none due by today
    assert all(d["overdue"] for d in decisions.deadlines(date(2026, 6, 1), 0)["deadlines"])


def test_drafts_and_review_tasks_are_paged_with_each_persons_benefits(decisions):
    p = granted(decisions)
    person_id = decisions.proceeding(p).person_id
    for i in range(3):
        decisions.process(Envelope.checked(
            id=str(uuid.uuid4()), source=source_of("casework"), type=CONTRACT_REFUSED.type,
            time=datetime.now(timezone.utc), subject="", notification_id=i + 1,
            data={"person_id": str(person_id), "case_id": str(uuid.uuid4()), "contract_ref": f"KS/2026/{i}",
                  "occurred_on": f"2026-04-0{i + 1}"}))
    tasks, sizes = every_page(decisions.review_tasks, "tasks", 2)
    assert [t["occurred_on"].day for t in tasks] == [1, 2, 3] and sizes == [2, 1]
    assert all(t["person"] == "Anna Nowak" and t["benefits"] == [{"proceeding_id": p, "benefit": "zasilek_staly",
                                                                  "state": "final"}] for t in tasks)
    decisions.close_review(tasks[0]["task_id"], OFFICER.name, "bez zmian", date(2026, 4, 10))
    assert len(decisions.review_tasks()["tasks"]) == 2 and len(decisions.review_tasks(open_only=False)["tasks"]) == 3

    drafted = [opened(decisions, f"Osoba {i}") for i in range(3)]
    for d in drafted:
        decisions.record_interview(d, held_on=date(2026, 3, 4), household=[{"name": "X"}], incomes=[])
        decisions.assess(d)
        decisions.draft_decision(d, OFFICER, date(2026, 3, 5), outcome="refusal", legal_basis="art. 8",
                                 justification="dochód ponad kryterium")
    decisions.sign_draft(drafted[1], SIGNATORY, date(2026, 3, 6))
    waiting, sizes = every_page(decisions.drafts_to_sign, "drafts", 1)
    assert [w.id for w in waiting] == [drafted[0], drafted[2]] and sizes == [1, 1]


def test_a_whole_report_loads_only_the_proceedings_it_can_concern(decisions, monkeypatch):
    paying = granted(decisions)
    granted(decisions, period_from=date(2026, 9, 1))  # from September: not in April's run
    for i in range(4):
        opened(decisions, f"Osoba {i}")
    loaded = []
    get = decisions.repository.get
    monkeypatch.setattr(decisions.repository, "get", lambda i, **kw: loaded.append(i) or get(i, **kw))
    listed = decisions.payment_list("2026-04", date(2026, 4, 5))
    assert listed["count"] == 1 and loaded == [paying]
    loaded.clear()
    assert len(decisions.health_contributions("2026-04")["lines"]) == 1 and loaded == [paying]
    decisions.record_payment(paying, "2026-04", date(2026, 4, 10))
    loaded.clear()
    assert decisions.mrpips03_part(2026, 1)["zasilek_staly"]["benefits"] == 1 and loaded == [paying]
    assert decisions.payment_list("2026-05", date(2026, 5, 5))["count"] == 1  # an open-ended grant pays on


def test_after_a_restart_the_lists_answer_from_the_tables_and_catch_up_from_their_position(make_database_url,
                                                                                          monkeypatch, tmp_path):
    url = make_database_url("decisions")
    app = DecisionsApplication(url, secrets_dir=tmp_path, on_authority_of=AUTHORITY)
    first = opened(app, "Olena Kowalczuk")
    assert len(app.proceedings()["proceedings"]) == 1
    stored = str(app.read_model.view.rows("SELECT * FROM decisions_proceedings"))
    assert "Kowalczuk" not in stored  # the name sealed
    app.close()

    other = DecisionsApplication(url, secrets_dir=tmp_path, on_authority_of=AUTHORITY)  # another process
    second = opened(other, "Jan Kowal")
    other.close()

    seen = []
    changes = DecisionsReadModel.changes
    monkeypatch.setattr(DecisionsReadModel, "changes", lambda self, e, n: seen.append(n) or changes(self, e, n))
    again = DecisionsApplication(url, secrets_dir=tmp_path, on_authority_of=AUTHORITY)
    assert [p.id for p in again.proceedings()["proceedings"]] == [first, second]
    assert [d["person"] for d in again.deadlines(date(2026, 3, 3), 60)["deadlines"]][:2] == ["Olena Kowalczuk",
                                                                                            "Jan Kowal"]
    assert seen and min(seen) > 1  # only what came since the view's position, not the first proceeding
    again.close()


def test_an_erased_persons_name_leaves_the_tables(decisions):
    p = opened(decisions, "Olena Kowalczuk")
    person_id = decisions.proceeding(p).person_id
    decisions.erase(person_id, ground="art. 17 RODO", erased_on=date(2036, 1, 2), erased_by="operator")
    [due, _] = decisions.deadlines(date(2026, 3, 3), 60)["deadlines"]
    assert due["person"] is None and due["proceeding_id"] == p
