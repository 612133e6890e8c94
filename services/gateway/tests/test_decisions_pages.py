"""The officer's week page, built from the decisions service's lists (read one open state at a time)."""

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
