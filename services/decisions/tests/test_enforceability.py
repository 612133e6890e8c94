"""KPA art. 130 § 4 and art. 127a: what is paid before the appeal window ends."""

from datetime import date
from decimal import Decimal

from services.decisions.domain import AlreadyDecided, AlreadyFinal, InvalidDate, NotDelivered, PaymentError
from services.decisions.tests.test_domain import RULES, SIGNED, decided, interviewed, refused_and_unchanged

UNTIL = date(2026, 12, 31)


def partial(**kw):
    p = interviewed(**kw)
    p.assess(RULES)
    p.issue_decision("partial_grant", date(2026, 3, 10), "art. 38 u.p.s.", "mniej niż wnioskowano",
                     amount="400.00", period_from=date(2026, 4, 1), period_to=date(2026, 5, 31),
                     payment_method="cash", **SIGNED)
    return p


def test_a_grant_of_what_was_asked_is_paid_from_delivery_before_it_is_final():
    p = decided()
    assert p.enforceable_from is None and p.payment_schedule(UNTIL) == []  # not delivered: no effect yet
    p.record_delivery(RULES, date(2026, 3, 12))
    assert p.final_on is None and p.enforceable_from == date(2026, 3, 12)
    assert [e["month"] for e in p.payment_schedule(UNTIL)] == [f"2026-{m:02}" for m in range(4, 10)]


def test_an_appeal_in_time_stops_paying_even_a_grant_of_what_was_asked_until_the_board_upholds_it():
    # KPA art. 130 § 2: an appeal in time suspends the decision's execution; § 3 lifts that only for
    # a decision immediately enforceable (art. 108) or by statute, not for one of § 4.
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))
    p.record_payment("2026-04", date(2026, 3, 31), until=UNTIL)  # paid before any appeal: it stands
    p.register_appeal(RULES, date(2026, 3, 20), received_on=date(2026, 4, 2))
    assert p.enforceable_from is None and p.payment_schedule(UNTIL) == []
    refused_and_unchanged(p, PaymentError, p.record_payment, "2026-05", date(2026, 5, 5), until=UNTIL)
    p.forward_appeal(date(2026, 4, 3))
    p.record_appeal_outcome(RULES, "upheld", date(2026, 5, 20))
    assert (p.final_on, p.enforceable_from) == (date(2026, 5, 20), date(2026, 3, 12))
    assert [e["month"] for e in p.payment_schedule(UNTIL)] == [f"2026-{m:02}" for m in range(4, 10)]
    p.record_payment("2026-05", date(2026, 5, 25), until=UNTIL)  # May paid as arrears


def test_a_late_appeal_does_not_stop_paying_a_grant_of_what_was_asked():
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))  # appeal until 26 March
    p.register_appeal(RULES, date(2026, 3, 30))
    assert p.enforceable_from == date(2026, 3, 12) and len(p.payment_schedule(UNTIL)) == 6


def test_a_grant_set_aside_by_the_appeals_board_is_no_longer_paid():
    p = decided()
    p.record_delivery(RULES, date(2026, 3, 12))
    p.register_appeal(RULES, date(2026, 3, 20))
    p.forward_appeal(date(2026, 3, 23))
    p.record_appeal_outcome(RULES, "overturned", date(2026, 4, 20))
    assert p.enforceable_from is None and p.payment_schedule(UNTIL) == []


def test_a_partial_grant_waits_for_finality_or_a_waiver():
    p = partial()
    p.record_delivery(RULES, date(2026, 3, 12))
    assert p.enforceable_from is None and p.payment_schedule(UNTIL) == []
    p.waive_appeal(date(2026, 3, 12))  # on the day of delivery (art. 127a § 1 since 12.05.2023)
    assert (p.final_on, p.enforceable_from, p.appeal_waived) == (date(2026, 3, 12), date(2026, 3, 12), True)
    assert p.payment_schedule(UNTIL) == [
        {"month": "2026-04", "amount": Decimal("400.00"), "method": "cash"},
        {"month": "2026-05", "amount": Decimal("400.00"), "method": "cash"}]


def test_a_waiver_is_made_only_within_the_appeal_window_of_a_delivered_undisputed_decision():
    p = partial()
    refused_and_unchanged(p, NotDelivered, p.waive_appeal, date(2026, 3, 12))
    p.record_delivery(RULES, date(2026, 3, 12))  # appeal until 26 March
    refused_and_unchanged(p, InvalidDate, p.waive_appeal, date(2026, 3, 11))
    refused_and_unchanged(p, InvalidDate, p.waive_appeal, date(2026, 3, 27))
    p.waive_appeal(date(2026, 3, 26))  # the last day of the window
    refused_and_unchanged(p, AlreadyFinal, p.waive_appeal, date(2026, 3, 26))
    appealed = partial()
    appealed.record_delivery(RULES, date(2026, 3, 12))
    appealed.register_appeal(RULES, date(2026, 3, 13))
    refused_and_unchanged(appealed, AlreadyDecided, appealed.waive_appeal, date(2026, 3, 14))
