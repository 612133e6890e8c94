"""Deadlines across weekends and Polish public holidays."""

from datetime import date

import pytest

from services.decisions.deadlines import (
    add_working_days,
    appeal_deadline,
    interview_due,
    interview_update_due,
    is_working_day,
    settlement_due,
)
from services.decisions.rules import RuleTable

RULE = RuleTable.load().deadlines.on(date(2026, 1, 1))


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 11, 10), True),
        (date(2026, 11, 11), False),  # Independence Day
        (date(2026, 11, 14), False),  # Saturday
        (date(2024, 12, 24), True),  # Christmas Eve became a public holiday in 2025
        (date(2025, 12, 24), False),
        (date(2026, 6, 4), False),  # Corpus Christi moves with Easter
    ],
)
def test_working_days_know_polish_public_holidays(day, working):
    assert is_working_day(day) is working


def test_the_interview_is_due_in_14_working_days_across_a_holiday():
    # From Monday 9 Nov 2026: 11 Nov and two weekends are not counted.
    assert interview_due(RULE, date(2026, 11, 9), urgent=False) == date(2026, 11, 30)


def test_an_urgent_interview_is_due_in_2_working_days_across_christmas():
    assert interview_due(RULE, date(2025, 12, 23), urgent=True) == date(2025, 12, 30)
    assert interview_due(RULE, date(2026, 11, 13), urgent=True) == date(2026, 11, 17)  # across a weekend


def test_counting_starts_the_day_after():
    assert add_working_days(date(2026, 11, 9), 1) == date(2026, 11, 10)
    assert add_working_days(date(2026, 11, 13), 1) == date(2026, 11, 16)


def test_settling_takes_one_month_or_two_for_a_complex_case():
    assert settlement_due(RULE, date(2026, 3, 10), complex_case=False) == date(2026, 4, 10)
    assert settlement_due(RULE, date(2026, 3, 10), complex_case=True) == date(2026, 5, 11)  # 10 May is a Sunday
    assert settlement_due(RULE, date(2026, 1, 31), complex_case=False) == date(2026, 3, 2)  # 28 Feb is a Saturday


def test_the_appeal_deadline_moves_off_a_holiday():
    assert appeal_deadline(RULE, date(2026, 10, 20)) == date(2026, 11, 3)
    assert appeal_deadline(RULE, date(2026, 10, 28)) == date(2026, 11, 12)  # 11 Nov


def test_the_interview_of_a_person_on_permanent_help_is_updated_every_six_months():
    assert interview_update_due(RULE, date(2026, 3, 31)) == date(2026, 9, 30)
