"""Each rule at the edges of its periods and amounts, and the calculator's command line."""

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from services.decisions.rules import (
    DEFAULT_TABLE,
    InvalidAssessment,
    NoRuleInForce,
    RuleTable,
    RuleTableError,
    assess,
)

TABLE = RuleTable.load()


def amounts(benefit, members, income, on, unable=True):
    a = assess(TABLE, benefit, members, Decimal(income), on, unable_to_work=unable)
    return a.eligible, a.min_amount, a.max_amount


@pytest.mark.parametrize(
    "on, single, per_person, per_ha",
    [
        (date(2018, 10, 1), "701", "528", "308"),
        (date(2021, 12, 31), "701", "528", "308"),
        (date(2022, 1, 1), "776", "600", "345"),
        (date(2024, 12, 31), "776", "600", "345"),
        (date(2025, 1, 1), "1010", "823", "459"),
    ],
)
def test_income_criterion_on_each_side_of_each_period(on, single, per_person, per_ha):
    rule = TABLE.income_criterion.on(on)
    assert (rule.single_person, rule.per_person_in_family, rule.per_hectare) == tuple(
        map(Decimal, (single, per_person, per_ha)))
    assert rule.for_household(1) == Decimal(single)
    assert rule.for_household(4) == Decimal(per_person) * 4


def test_nothing_is_assessed_before_the_table_starts():
    with pytest.raises(NoRuleInForce):
        TABLE.income_criterion.on(date(2018, 9, 30))
    with pytest.raises(NoRuleInForce):
        assess(TABLE, "staly", 1, Decimal(0), date(2018, 9, 30), unable_to_work=True)


@pytest.mark.parametrize(
    "on, income, amount",
    [
        (date(2018, 10, 1), "0", "645.00"),  # 701 - 0 capped at 645 zł (first day of the period)
        (date(2018, 10, 1), "56", "645.00"),  # 701 - 56 = 645 exactly the cap
        (date(2019, 6, 1), "57", "644.00"),
        (date(2021, 12, 31), "680", "30.00"),  # 21 zł raised to the 30 zł minimum (last day)
        (date(2021, 12, 31), "700.99", "30.00"),
        (date(2022, 1, 1), "0", "719.00"),  # the next period starts the next day
    ],
)
def test_zasilek_staly_from_2018_10_01_to_2021_12_31(on, income, amount):
    assert amounts("staly", 1, income, on) == (True, Decimal(amount), Decimal(amount))
    assert TABLE.zasilek_staly.on(on).source.startswith("art. 37 ust. 2 i 3 u.p.s. before the 2023 amendment")


def test_zasilek_staly_in_2020_for_a_family_and_at_the_criterion():
    # 528 - 1000 / 2 = 28 raised to 30; at 2 x 528 = 1056 there is nothing.
    assert assess(TABLE, "staly", 2, Decimal("1000"), date(2020, 5, 5), unable_to_work=True,
                  applicant_income=Decimal("500")).min_amount == Decimal("30.00")
    assert not assess(TABLE, "staly", 2, Decimal("1056"), date(2020, 5, 5), unable_to_work=True,
                      applicant_income=Decimal(0)).eligible
    assert not assess(TABLE, "staly", 1, Decimal("701"), date(2020, 5, 5), unable_to_work=True).eligible


@pytest.mark.parametrize(
    "on, income, amount",
    [
        (date(2022, 1, 1), "0", "719.00"),  # 776 - 0 capped at the 2022 maximum
        (date(2022, 1, 1), "57", "719.00"),  # 776 - 57 = 719 exactly the maximum
        (date(2023, 12, 31), "300", "476.00"),  # 100% of the criterion before 2024
        (date(2023, 12, 31), "770", "30.00"),  # 6 zł raised to the 30 zł minimum
        (date(2024, 1, 1), "0", "1000.00"),  # 130% of 776 = 1008.80, capped at 1000
        (date(2024, 1, 1), "500", "508.80"),
        (date(2024, 12, 31), "775.99", "232.81"),
        (date(2025, 1, 1), "0", "1229.00"),  # 1313.00 capped at 1229
        (date(2025, 1, 1), "84", "1229.00"),  # 1313 - 84 = 1229 exactly the maximum
        (date(2025, 1, 1), "85", "1228.00"),
        (date(2025, 6, 1), "1009.99", "303.01"),
    ],
)
def test_zasilek_staly_for_a_single_person(on, income, amount):
    assert amounts("staly", 1, income, on) == (True, Decimal(amount), Decimal(amount))


def family(members, income, on, applicant_income):
    a = assess(TABLE, "staly", members, Decimal(income), on, unable_to_work=True,
               applicant_income=Decimal(applicant_income))
    return a.eligible, a.min_amount, a.max_amount


def test_zasilek_staly_in_a_family_is_per_person_without_the_single_cap():
    # 130% of 823 = 1069.90, less 1200 / 3 = 400 per person.
    assert family(3, "1200", date(2025, 1, 1), "400") == (True, Decimal("669.90"), Decimal("669.90"))
    # Before 2024: 600 - 1700 / 3 = 33.33.
    assert family(3, "1700", date(2023, 6, 1), "0") == (True, Decimal("33.33"), Decimal("33.33"))
    assert family(3, "1790", date(2023, 6, 1), "0") == (True, Decimal("30.00"), Decimal("30.00"))


def test_zasilek_staly_in_a_family_needs_the_applicants_own_income_below_the_per_person_criterion():
    # Issue 15: 3 persons, 1,250 zł, all of it the applicant's pension: 416.67 per person is below
    # 823 zł, but the applicant's own 1,250 zł is not (art. 37 ust. 1 pkt 2).
    on = date(2025, 3, 1)
    refused = assess(TABLE, "staly", 3, Decimal("1250"), on, unable_to_work=True, applicant_income=Decimal("1250"))
    assert not refused.eligible and refused.min_amount is None
    assert refused.reason == ("the applicant's own income 1250.00 zł is not below the criterion per person "
                              "823.00 zł (art. 37 ust. 1 pkt 2)")
    assert family(3, "1250", on, "822.99") == (True, Decimal("653.23"), Decimal("653.23"))  # 1069.90 - 416.67
    assert family(3, "1250", on, "823")[0] is False  # at the criterion is not below it
    with pytest.raises(InvalidAssessment, match="needs the applicant's own income"):
        assess(TABLE, "staly", 3, Decimal("1250"), on, unable_to_work=True)
    with pytest.raises(InvalidAssessment, match="cannot exceed"):
        family(3, "1250", on, "1250.01")
    with pytest.raises(InvalidAssessment, match="single person's own income"):
        assess(TABLE, "staly", 1, Decimal("500"), on, unable_to_work=True, applicant_income=Decimal("400"))
    assert assess(TABLE, "staly", 1, Decimal("500"), on, unable_to_work=True,
                  applicant_income=Decimal("500")).eligible


def test_zasilek_staly_needs_income_below_the_criterion_and_inability_to_work():
    on = date(2025, 3, 1)
    at_criterion = assess(TABLE, "staly", 1, Decimal("1010"), on, unable_to_work=True)
    assert not at_criterion.eligible and "not below the criterion" in at_criterion.reason
    assert at_criterion.min_amount is None and at_criterion.max_amount is None
    assert not assess(TABLE, "staly", 2, Decimal("1646"), on, unable_to_work=True, applicant_income=Decimal(0)).eligible
    assert assess(TABLE, "staly", 2, Decimal("1645.99"), on, unable_to_work=True, applicant_income=Decimal(0)).eligible
    able = assess(TABLE, "staly", 1, Decimal("0"), on, unable_to_work=False)
    assert not able.eligible and "unable to work" in able.reason


@pytest.mark.parametrize(
    "members, income, on, low, high",
    [
        (1, "0", date(2025, 1, 1), "505.00", "823.00"),  # single: capped at the per-person criterion
        (1, "400", date(2025, 1, 1), "305.00", "610.00"),
        (1, "1000", date(2025, 1, 1), "20.00", "20.00"),  # 50% of 10 zł raised to 20 zł
        (1, "0", date(2024, 12, 31), "388.00", "600.00"),
        (4, "1000", date(2025, 1, 1), "1146.00", "2292.00"),  # family: 4 x 823 - 1000
        (4, "3252", date(2025, 1, 1), "20.00", "40.00"),
    ],
)
def test_zasilek_okresowy_range(members, income, on, low, high):
    assert amounts("okresowy", members, income, on, unable=False) == (True, Decimal(low), Decimal(high))


def test_income_above_the_criterion_refuses_okresowy_and_celowy_but_names_the_exceptions():
    on = date(2025, 1, 1)
    okresowy = assess(TABLE, "okresowy", 1, Decimal("1010.01"), on)
    assert not okresowy.eligible and "exceeds the criterion 1010.00" in okresowy.reason
    celowy = assess(TABLE, "celowy", 2, Decimal("1646.01"), on)
    assert not celowy.eligible and "art. 41" in celowy.reason and "art. 40" in celowy.reason


def test_zasilek_celowy_has_no_statutory_amount():
    result = assess(TABLE, "celowy", 2, Decimal("1646"), date(2025, 1, 1))
    assert result.eligible and result.min_amount is None and result.max_amount is None
    assert "art. 39" in result.legal_basis


@pytest.mark.parametrize("members, income", [(0, "100"), (-1, "100"), (1, "-0.01")])
def test_impossible_households_are_refused(members, income):
    with pytest.raises(InvalidAssessment):
        assess(TABLE, "okresowy", members, Decimal(income), date(2025, 1, 1))


def test_a_centre_extends_the_table_with_a_new_period_without_code(tmp_path):
    own = tmp_path / "rules.toml"
    own.write_text(TABLE_TEXT + '''
[[income_criterion]]
valid_from = 2028-01-01
single_person = "1200.00"
per_person_in_family = "950.00"
per_hectare = "500.00"
source = "a future regulation"
checked = false
''')
    table = RuleTable.load(own)
    assert table.income_criterion.on(date(2027, 12, 31)).single_person == Decimal("1010.00")
    assert table.income_criterion.on(date(2028, 1, 1)).single_person == Decimal("1200.00")


TABLE_TEXT = DEFAULT_TABLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "change, message",
    [
        (('single_person = "776.00"', "single_person = 776.00"), "write amounts as strings"),
        (('single_person = "776.00"', 'single_person = "-776.00"'), "must be positive"),
        (("valid_from = 2022-01-01\nsingle", "valid_from = 2018-10-01\nsingle"), "same day"),
        (("appeal_days = 14", "appeal_days = 0"), "positive whole number"),
        (("checked = false  # figures from DOMAIN.md\n", "checked = false\nrate = 3\n"), "unknown ['rate']"),
        (("[[zasilek_okresowy]]", "[[zasilek_socjalny]]"), "unknown sections"),
    ],
)
def test_a_broken_table_is_refused_with_what_to_fix(tmp_path, change, message):
    broken = tmp_path / "rules.toml"
    assert change[0] in TABLE_TEXT
    broken.write_text(TABLE_TEXT.replace(change[0], change[1], 1))
    with pytest.raises(RuleTableError, match=message.replace("[", r"\[").replace("]", r"\]")):
        RuleTable.load(broken)


def calculator(*args):
    return subprocess.run([sys.executable, "-m", "services.decisions.rules", "assess", *args],
                          capture_output=True, text=True, timeout=60)


CRITERION_2025 = ("art. 8 ust. 1 pkt {pkt} u.p.s. (rozporządzenie RM z 12.07.2024 w sprawie zweryfikowanych "
                  "kryteriów dochodowych oraz kwot świadczeń pieniężnych z pomocy społecznej (Dz.U. 2024 poz. 1044))")
STALY_2025 = ("art. 37 u.p.s.; maximum from the 2024 verification (rozporządzenie RM z 12.07.2024, "
              "Dz.U. 2024 poz. 1044)")


def test_the_calculator_prints_one_json_object_with_two_decimal_amounts():
    result = calculator("--benefit", "staly", "--members", "1", "--income", "84", "--on", "2025-01-01",
                        "--unable-to-work")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        '{"benefit": "staly", "on": "2025-01-01", "criterion": 1010.00, "income": 84.00, "eligible": true, '
        '"reason": null, "min_amount": 1229.00, "max_amount": 1229.00, "legal_basis": "art. 37 u.p.s., osoba '
        f'samotnie gospodarująca; {CRITERION_2025.format(pkt=1)}; {STALY_2025}"}}\n')


def test_the_calculator_takes_the_applicants_own_income_for_zasilek_staly_in_a_family():
    args = ("--benefit", "staly", "--members", "3", "--income", "1250", "--on", "2025-03-01", "--unable-to-work")
    basis = f"art. 37 u.p.s., rodzina (3 os.); {CRITERION_2025.format(pkt=2)}; {STALY_2025}"
    refused = calculator(*args, "--applicant-income", "1250")
    assert refused.returncode == 0, refused.stderr
    assert json.loads(refused.stdout) == {
        "benefit": "staly", "on": "2025-03-01", "criterion": 2469.0, "income": 1250.0, "eligible": False,
        "reason": "the applicant's own income 1250.00 zł is not below the criterion per person 823.00 zł "
                  "(art. 37 ust. 1 pkt 2)",
        "min_amount": None, "max_amount": None, "legal_basis": basis}
    granted = json.loads(calculator(*args, "--applicant-income", "0").stdout)
    assert (granted["eligible"], granted["min_amount"], granted["legal_basis"]) == (True, 653.23, basis)
    missing = calculator(*args)
    assert missing.returncode == 2 and "needs the applicant's own income" in missing.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--benefit", "socjalny", "--members", "1", "--income", "1", "--on", "2025-01-01"], "invalid choice"),
        (["--benefit", "okresowy", "--members", "1", "--income", "1", "--on", "2025-01-01", "--random-event"],
         "zasiłek celowy only"),
        (["--benefit", "celowy", "--members", "1", "--income", "1", "--on", "2025-01-01", "--random-event=yes"],
         "ignored explicit argument"),
        (["--benefit", "staly", "--members", "x", "--income", "1", "--on", "2025-01-01"], "invalid int"),
        (["--benefit", "staly", "--members", "0", "--income", "1", "--on", "2025-01-01"], "at least one member"),
        (["--benefit", "staly", "--members", "1", "--income", "dużo", "--on", "2025-01-01"], "not an amount"),
        (["--benefit", "staly", "--members", "1", "--income", "-5", "--on", "2025-01-01"], "cannot be negative"),
        (["--benefit", "staly", "--members", "1", "--income", "5", "--on", "1.01.2025"], "not a date"),
        (["--benefit", "staly", "--members", "1", "--income", "5", "--on", "2017-01-01"], "NoRuleInForce"),
        (["--benefit", "okresowy", "--members", "1", "--income", "5"], "required: --on"),
        (["--benefit", "staly", "--members", "2", "--income", "5", "--applicant-income", "x", "--on", "2025-01-01"],
         "--applicant-income: 'x' is not an amount"),
        (["--benefit", "staly", "--members", "2", "--income", "5", "--applicant-income", "6", "--on", "2025-01-01",
          "--unable-to-work"], "cannot exceed the household's"),
    ],
)
def test_bad_arguments_get_a_clear_message_and_exit_code_2(args, message):
    result = calculator(*args)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


def test_zasilek_okresowy_at_the_criterion_has_no_gap_to_fill():
    for members, income in ((1, "1010"), (4, "3292")):
        at = assess(TABLE, "okresowy", members, Decimal(income), date(2026, 11, 2))
        assert not at.eligible and "not below the criterion" in at.reason
        assert at.min_amount is None and at.max_amount is None
    result = calculator("--benefit", "okresowy", "--members", "1", "--income", "1010", "--on", "2026-11-02")
    assert result.returncode == 0 and '"eligible": false' in result.stdout


@pytest.mark.parametrize(
    "members, income",
    [(10**30, "100"), (True, "100"), (1, "1e30"), (1, "NaN"), (1, "Infinity"), (1, "-0.01")],
)
def test_absurd_figures_are_refused_by_name(members, income):
    with pytest.raises(InvalidAssessment):
        assess(TABLE, "okresowy", members, Decimal(income), date(2025, 1, 1))


@pytest.mark.parametrize(
    "members, income, message",
    [
        ("1", "1e30", "beyond any monthly amount"),
        ("1", "NaN", "not an amount"),
        ("1", "-inf", "not an amount"),
        ("1", "abc", "not an amount"),
        ("1", "-5", "cannot be negative"),
        ("1" + "0" * 30, "100", "not believable"),
    ],
)
def test_absurd_numbers_on_the_command_line_get_a_message_and_exit_code_2(members, income, message):
    result = calculator("--benefit", "okresowy", "--members", members, f"--income={income}", "--on", "2026-11-02")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr and result.stdout == ""


# --- art. 40: zasiłek celowy after a random event or disaster, regardless of income --------

@pytest.mark.parametrize("members, income", [(1, "0"), (1, "1010.00"), (1, "1010.01"), (3, "99999.99")])
def test_zasilek_celowy_after_a_random_event_is_available_whatever_the_income(members, income):
    a = assess(TABLE, "celowy", members, Decimal(income), date(2025, 1, 1), random_event=True)
    assert a.eligible and a.reason is None and a.min_amount is None and a.max_amount is None
    assert a.legal_basis.startswith("art. 40 u.p.s.")


@pytest.mark.parametrize("benefit", ["staly", "okresowy", "specjalny"])
def test_a_random_event_grounds_only_a_zasilek_celowy(benefit):
    with pytest.raises(InvalidAssessment, match="art. 40"):
        assess(TABLE, benefit, 1, Decimal("100"), date(2025, 1, 1), unable_to_work=True, random_event=True)


def test_the_calculator_assesses_art_40_in_its_one_json_object():
    result = calculator("--benefit", "celowy", "--members", "2", "--income", "5000", "--on", "2025-01-01",
                        "--random-event")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout == (
        '{"benefit": "celowy", "on": "2025-01-01", "criterion": 1646.00, "income": 5000.00, "eligible": true, '
        '"reason": null, "min_amount": null, "max_amount": null, "legal_basis": "art. 40 u.p.s. (zdarzenie '
        'losowe, klęska żywiołowa lub ekologiczna: regardless of income); '
        f'{CRITERION_2025.format(pkt=2)}"}}\n')
    without = calculator("--benefit", "celowy", "--members", "2", "--income", "5000", "--on", "2025-01-01")
    assert without.returncode == 0 and '"eligible": false' in without.stdout


# --- art. 41 pkt 1: specjalny zasiłek celowy above the criterion ----------------------------

@pytest.mark.parametrize(
    "members, income, on, cap",
    [
        (1, "1010.01", date(2025, 1, 1), "1010.00"),  # just above: up to the single person's criterion
        (3, "2469.01", date(2025, 1, 1), "2469.00"),  # a family: up to the family's criterion
        (1, "776.01", date(2024, 12, 31), "776.00"),  # the period before
    ],
)
def test_specjalny_zasilek_celowy_above_the_criterion_is_capped_at_it(members, income, on, cap):
    a = assess(TABLE, "specjalny", members, Decimal(income), on)
    assert (a.eligible, a.min_amount, a.max_amount) == (True, None, Decimal(cap))
    assert "art. 41 pkt 1" in a.legal_basis


@pytest.mark.parametrize("members, income", [(1, "1010.00"), (1, "0"), (3, "2469.00")])
def test_specjalny_zasilek_celowy_is_not_for_income_within_the_criterion(members, income):
    a = assess(TABLE, "specjalny", members, Decimal(income), date(2025, 1, 1))
    assert not a.eligible and "art. 39" in a.reason


def test_the_calculator_gives_specjalny_its_cap():
    result = calculator("--benefit", "specjalny", "--members", "1", "--income", "1500", "--on", "2025-01-01")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "benefit": "specjalny", "on": "2025-01-01", "criterion": 1010.0, "income": 1500.0, "eligible": True,
        "reason": None, "min_amount": None, "max_amount": 1010.0,
        "legal_basis": f"art. 41 pkt 1 u.p.s., osoba samotnie gospodarująca; {CRITERION_2025.format(pkt=1)}; "
                       "art. 41 pkt 1 u.p.s."}
