"""The officer's week page, built from the decisions service's lists (read one open state at a time)."""

from datetime import date, timedelta
from types import SimpleNamespace

from services.gateway.ui.decisions import OPEN_STATES, DecisionsPages


def proceeding(state: str, **dates) -> dict:
    return {"proceeding_id": "7f32a4e0-b26c-5462-a702-48e3692a36c4", "state": state, "person": {"full_name": "Anna"},
            "benefit": "zasilek_okresowy", "urgent": False, "interview_due": None, "settlement_due": None,
            "appeal_deadline": None, "appeal": None, **dates}


def test_a_proceeding_delivered_while_the_open_lists_are_read_is_shown_once_as_it_is_now():
    """The browser test saw it twice: read among the decided ones, then delivered, then read again
    among those whose appeal period runs."""
    lists = {"decided": [proceeding("decided")], "appeal_window": [proceeding("appeal_window",
                                                                            appeal_deadline="2099-01-15")]}

    def pages(staff, path, items, params, at_most=None):
        return (lists.get(params["state"], []), 0) if path == "/proceedings" else ([], 0)

    week = DecisionsPages._benefits_week(SimpleNamespace(_pages=pages), SimpleNamespace(staff=None))
    assert [(p["proceeding_id"], p["state"]) for p in week["open"]] == [
        ("7f32a4e0-b26c-5462-a702-48e3692a36c4", "appeal_window")]
    assert week["open_count"] == 1
    assert OPEN_STATES.index("decided") < OPEN_STATES.index("appeal_window")  # the order the race needs


def test_the_week_lists_the_interview_updates_of_people_on_permanent_help_due_or_missed():
    """Art. 107 ust. 4: the officer's own deadline, beside KPA's: the decisions service's list of
    updates, asked for the week (it leaves out grants that have ended)."""
    today = date.today()
    asked = []
    update = {"proceeding_id": "9a1be2f0-0c1e-4d5a-9f3e-2b6c8d0e4f11", "person": "Jan Kos", "benefit": "zasilek_staly",
              "officer": "B. Wójcik", "what": "interview update (art. 107 ust. 4 u.p.s.)",
              "due": (today - timedelta(days=2)).isoformat(), "overdue": True}

    def pages(staff, path, items, params, at_most=None):
        asked.append((path, params))
        return ([update], 0) if path == "/interview-updates" else ([], 0)

    week = DecisionsPages._benefits_week(SimpleNamespace(_pages=pages), SimpleNamespace(staff=None))
    [row] = week["week"]
    assert (row["kind"], row["person"], row["benefit"], row["overdue"], row["days"]) == (
        "aktualizacja", "Jan Kos", "zasilek_staly", True, -2)
    assert row["what"] == "Aktualizacja wywiadu (art. 107 ust. 4 u.p.s.)"
    assert ("/interview-updates", {"today": today.isoformat(), "within_days": 7}) in asked
