"""Counting the decisions team's deadlines. Pure Python; the periods come from the rule table.

Working days are Monday to Friday except Polish public holidays (including 24 December
from 2025); a period counted in days or months that ends on a Saturday or a day off ends on
the next working day instead (KPA art. 57 § 4).
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from dateutil.relativedelta import relativedelta

from services.decisions.rules import DeadlineRule

_POLISH_HOLIDAYS = holidays.country_holidays("PL")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _POLISH_HOLIDAYS


def add_working_days(start: date, count: int) -> date:
    """The count-th working day after start (start itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day)
    return day


def _next_working_day_if_off(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def interview_due(rule: DeadlineRule, learned_on: date, urgent: bool) -> date:
    """The environmental interview is due within 14 working days, or 2 in an urgent case."""
    days = rule.urgent_interview_working_days if urgent else rule.interview_working_days
    return add_working_days(learned_on, days)


def interview_update_due(rule: DeadlineRule, last_interview_on: date) -> date:
    """Art. 107 ust. 4 u.p.s.: on permanent help the interview is updated at least every 6 months."""
    return last_interview_on + relativedelta(months=rule.interview_update_months)


def settlement_due(rule: DeadlineRule, opened_on: date, complex_case: bool, days_not_counted: int = 0) -> date:
    """KPA art. 35 § 3: one month, two for an especially complex case; § 5: the days of the
    periods not counted (a suspension, the party's delay...) are added."""
    months = rule.complex_settlement_months if complex_case else rule.settlement_months
    return _next_working_day_if_off(opened_on + relativedelta(months=months) + timedelta(days=days_not_counted))


def deemed_delivery(rule: DeadlineRule, notice_left_on: date) -> date:
    """KPA art. 44 § 4: a letter not collected is delivered on the last day of its storage at the
    post office (14 days from the first notice, § 1 pkt 1). The day is a fiction of the law, not a
    deadline for anyone to act, so it does not move off a day off."""
    return notice_left_on + timedelta(days=rule.postal_storage_days)


def appeal_forwarding_due(rule: DeadlineRule, received_on: date) -> date:
    """KPA art. 133: the appeal and the case file go to the appeals board within 7 days of the
    appeal's receipt."""
    return _next_working_day_if_off(received_on + timedelta(days=rule.appeal_forwarding_days))


def appeal_deadline(rule: DeadlineRule, delivered_on: date) -> date:
    """KPA art. 129 § 2: 14 days from delivery; the last day moves off a Saturday or day off."""
    return _next_working_day_if_off(delivered_on + timedelta(days=rule.appeal_days))
