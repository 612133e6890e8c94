"""Fee bands at their edges and exemptions; the care service's steps and the forbidden ones;
care-home referrals; family assistants' limit; corrections of visits, rosters and a person's
identity."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.care.domain import (
    ActivityNotGranted,
    AlreadyGranted,
    AssistantLimitReached,
    CareError,
    CareService,
    CorrectionBeforeDecision,
    DocumentsMissing,
    DpsReferral,
    FamilyAssistance,
    InvalidDate,
    InvalidNumber,
    MissingCorrectionReason,
    MissingSignature,
    MissingText,
    NoIncomeStatement,
    NoSuchRoster,
    NoSuchVisit,
    NothingToCorrect,
    NotAssessed,
    NotGranted,
    OutsidePeriod,
    ReferralClosed,
    RosterExceedsGrant,
    ServiceEnded,
    TooManyHours,
    VisitWithoutRoster,
)
from services.care.rules import DEFAULT_TABLE, MENTAL_DISORDERS, CareRules, FeeNotInTable, UnknownServiceKind
from shared.rule_table import NoRuleInForce, RuleTableError

RULES = CareRules.load()
ON = date(2025, 3, 1)
SIGNED = {"signed_by": "Maria Kowalczyk", "on_authority_of": "Burmistrza Skawiny"}
CARER = uuid.uuid4()


@pytest.mark.parametrize("income, members, fee", [
    ("1010.00", 1, "0.00"),  # exactly 100% of the single criterion: free
    ("1010.01", 1, "3.80"),  # just above: 10% of 38 zł
    ("1515.00", 1, "3.80"),
    ("1515.01", 1, "7.60"),
    ("4040.00", 1, "30.40"),  # 400%: 80%
    ("4040.01", 1, "38.00"),  # above 400%: the full cost
    ("1646.00", 2, "0.00"),  # 823 per person = 100% of the per-person criterion
    ("2469.03", 2, "7.60"),  # 1234.515 per person = 150.001%
])
def test_fee_bands_at_their_edges(income, members, fee):
    assert RULES.hourly_fee("uslugi_opiekuncze", Decimal(income), members, ON)["fee_per_hour"] == Decimal(fee)


def test_exemption_and_kinds_and_periods():
    full = RULES.hourly_fee("specjalistyczne_uslugi_opiekuncze", Decimal("5000"), 1, ON)
    assert full["fee_per_hour"] == Decimal("55.00") and full["fee_percent"] == Decimal("100")
    half = RULES.hourly_fee("specjalistyczne_uslugi_opiekuncze", Decimal("5000"), 1, ON, Decimal("50"))
    assert half["fee_per_hour"] == Decimal("27.50")
    with pytest.raises(UnknownServiceKind, match="no hourly cost for 'dps'"):
        RULES.hourly_fee("dps", Decimal("5000"), 1, ON)
    with pytest.raises(NoRuleInForce, match="no care_fees rule is in force on 2024-12-31"):  # the template starts in 2025
        RULES.hourly_fee("uslugi_opiekuncze", Decimal("5000"), 1, date(2024, 12, 31))
    assert RULES.hourly_fee("uslugi_opiekuncze", Decimal("5000"), 1, date(2025, 1, 1))["fee_per_hour"] == Decimal("38.00")


def test_a_municipality_loads_its_own_resolution_and_a_broken_one_is_named(tmp_path):
    text = DEFAULT_TABLE.read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace('up_to_percent = "150", fee_percent = "10"', 'up_to_percent = "150", fee_percent = "5"'))
    assert CareRules.load(own).hourly_fee("uslugi_opiekuncze", Decimal("1100"), 1, ON)["fee_per_hour"] == Decimal("1.90")
    own.write_text(text.replace('{ up_to_percent = "Infinity", fee_percent = "100" },', ""))
    with pytest.raises(RuleTableError, match="Infinity"):
        CareRules.load(own)
    own.write_text(text.replace('fee_percent = "100"', 'fee_percent = "120"'))
    with pytest.raises(RuleTableError, match="0 to 100"):
        CareRules.load(own)


@pytest.mark.parametrize("old, new, message", [
    ('uslugi_opiekuncze = "38.00"', 'uslugi_opiekuncze = "0"', "hourly costs must be positive"),
    ('uslugi_opiekuncze = "38.00"', 'uslugi_opiekuncze = "-38.00"', "hourly costs must be positive"),
    ('up_to_percent = "150", fee_percent = "10"', 'up_to_percent = "250", fee_percent = "10"', "bands must rise"),
    ('up_to_percent = "200", fee_percent = "20"', 'up_to_percent = "150", fee_percent = "20"', "each once"),
    ('up_to_percent = "150", fee_percent = "10"', 'up_to_percent = "150", fee_percent = "-1"', "0 to 100"),
    ('up_to_percent = "150", fee_percent = "10"', 'up_to_percent = "150", fee_percent = "100.01"', "0 to 100"),
    ('{ up_to_percent = "100", single_percent = "0", family_percent = "0" },  # confirmed: free',
     '{ up_to_percent = "100", single_percent = "0", family_percent = "101" },  # ', "family_percent"),
    ('{ up_to_percent = "132.5", single_percent = "1.5"', '{ up_to_percent = "99", single_percent = "1.5"',
     "bands must rise"),
])
def test_a_bad_fee_table_does_not_load(tmp_path, old, new, message):
    text = DEFAULT_TABLE.read_text(encoding="utf-8")
    assert old in text
    own = tmp_path / "rules.toml"
    own.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleTableError, match=message):
        CareRules.load(own)


# --- art. 50 ust. 7: specialist care services for people with mental disorders ---------------------

def test_mental_disorder_fees_follow_the_ministers_table_not_the_councils_and_differ_for_families():
    # 2025: the 2023 table; the hourly cost the centre sets (60 zł in the template).
    single = RULES.hourly_fee(MENTAL_DISORDERS, Decimal("2020.00"), 1, ON)  # 200% of 1,010 zł
    assert (single["fee_percent"], single["fee_per_hour"]) == (Decimal("1.5"), Decimal("0.90"))
    family = RULES.hourly_fee(MENTAL_DISORDERS, Decimal("3292.00"), 2, ON)  # 200% of 823 zł a person
    assert (family["fee_percent"], family["fee_per_hour"]) == (Decimal("3.5"), Decimal("2.10"))
    assert single["source"].startswith("rozporządzenie MPS z 22.09.2005 w sprawie specjalistycznych usług "
                                       "opiekuńczych § 4 ust. 3 as amended by the regulation of 16.02.2023 "
                                       "(Dz.U. 2023 poz. 395); hourly cost: TEMPLATE")
    council = RULES.hourly_fee("specjalistyczne_uslugi_opiekuncze", Decimal("2020.00"), 1, ON)
    assert council["fee_percent"] == Decimal("20")  # the council's bands for the other kind
    assert RULES.hourly_fee(MENTAL_DISORDERS, Decimal("1010.00"), 1, ON)["fee_per_hour"] == Decimal("0.00")
    assert RULES.hourly_fee(MENTAL_DISORDERS, Decimal("6060.01"), 1, ON)["fee_per_hour"] == Decimal("60.00")


def test_a_band_the_table_does_not_know_stops_billing_by_name():
    with pytest.raises(FeeNotInTable, match="up to 600"):
        RULES.hourly_fee(MENTAL_DISORDERS, Decimal("3030.00"), 1, ON)  # 300%


@pytest.mark.parametrize("on, percent, single, family", [
    (date(2018, 10, 1), "100", "0", "0"),
    (date(2018, 10, 1), "100.01", "1.5", "3.5"),
    (date(2023, 4, 30), "132.5", "1.5", "3.5"),  # the last day of the 2005 bands
    (date(2023, 4, 30), "132.51", "3.5", "5"),
    (date(2023, 4, 30), "270", "30", "40"),
    (date(2023, 4, 30), "330.01", "100", "100"),
    (date(2023, 5, 1), "132.51", "1.5", "3.5"),  # the first day of the 2023 bands
    (date(2023, 5, 1), "220", "1.5", "3.5"),
    (date(2023, 5, 1), "600.01", "100", "100"),
])
def test_the_ministers_bands_on_each_side_of_the_2023_amendment(on, percent, single, family):
    rule = RULES.mental_disorder_care_fees.on(on)
    assert rule.fee_percent(Decimal(percent), single=True) == Decimal(single)
    assert rule.fee_percent(Decimal(percent), single=False) == Decimal(family)


def requested() -> CareService:
    return CareService.request(uuid.uuid4(), {"full_name": "Jan Wiśniewski"}, None, True, ON, "casework",
                               request_ref="c/S1", case_id=uuid.uuid4())


def assessed() -> CareService:
    s = requested()
    s.assess(date(2025, 3, 3), "uslugi_opiekuncze", ["personal_care", "shopping"], "10",
             date(2025, 3, 10), date(2025, 6, 30))
    return s


def granted(income="1515.01") -> CareService:
    s = assessed()
    s.state_income(1, income, date(2025, 3, 3))
    s.grant_service(RULES, date(2025, 3, 5), **SIGNED)
    return s


def refused(thing, error, command, *args, **kwargs):
    thing.collect_events()
    with pytest.raises(error):
        command(*args, **kwargs)
    assert thing.collect_events() == []


def test_from_request_to_a_monthly_fee_statement():
    s = granted()
    assert s.grant["fee_per_hour"] == Decimal("7.60")
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}, {"weekday": "thu", "hours": "3"}])
    s.record_visit(CARER, date(2025, 3, 10), "2", ["personal_care"])
    s.record_visit(CARER, date(2025, 3, 13), "3", ["personal_care", "shopping"])
    s.record_missed_visit(CARER, date(2025, 3, 17), "opiekunka chora")
    statement = s.monthly_statement("2025-03", RULES)
    # March from the 10th: Mondays 10, 17, 24, 31 (4 x 2 h) and Thursdays 13, 20, 27 (3 x 3 h).
    assert statement["ordered_hours"] == Decimal("17")
    assert statement["delivered_hours"] == Decimal("5")
    assert statement["amount"] == Decimal("38.00")  # 5 h x 7.60 zł
    s.end(date(2025, 4, 30), "przeprowadzka do córki")
    refused(s, ServiceEnded, s.record_visit, CARER, date(2025, 4, 2), "2", ["shopping"])


def test_a_grant_needs_the_assessment_the_income_statement_and_a_signature():
    s = requested()
    refused(s, NotAssessed, s.grant_service, RULES, date(2025, 3, 5), **SIGNED)
    s = assessed()
    refused(s, NoIncomeStatement, s.grant_service, RULES, date(2025, 3, 5), **SIGNED)
    s.state_income(1, "900", date(2025, 3, 3))
    refused(s, MissingSignature, s.grant_service, RULES, date(2025, 3, 5), signed_by="Maria", on_authority_of=" ")
    refused(s, MissingText, s.grant_service, RULES, date(2025, 3, 5), exemption_percent="50", **SIGNED)
    s.grant_service(RULES, date(2025, 3, 5), exemption_percent="100", exemption_reason="art. 64: choroba", **SIGNED)
    assert s.grant["fee_per_hour"] == Decimal("0.00") and s.grant["exemption_reason"] == "art. 64: choroba"
    refused(s, AlreadyGranted, s.grant_service, RULES, date(2025, 3, 6), **SIGNED)
    refused(s, AlreadyGranted, s.assess, date(2025, 3, 6), "uslugi_opiekuncze", ["meals"], "5", ON, None)


def test_visits_keep_to_the_grant():
    s = assessed()
    refused(s, NotGranted, s.record_visit, CARER, date(2025, 3, 10), "2", ["personal_care"])
    s.state_income(1, "900", date(2025, 3, 3))
    s.grant_service(RULES, date(2025, 3, 5), **SIGNED)
    # 27 h delivered against 0 ordered was possible: a visit now needs a roster in force on its day
    refused(s, VisitWithoutRoster, s.record_visit, CARER, date(2025, 3, 10), "2", ["shopping"])
    refused(s, RosterExceedsGrant, s.set_roster, CARER, [{"weekday": "mon", "hours": "6"}, {"weekday": "tue", "hours": "5"}])
    s.set_roster(CARER, [{"weekday": "mon", "hours": "6"}])
    refused(s, ActivityNotGranted, s.record_visit, CARER, date(2025, 3, 10), "2", ["cleaning"])
    refused(s, OutsidePeriod, s.record_visit, CARER, date(2025, 3, 9), "2", ["shopping"])
    refused(s, OutsidePeriod, s.record_visit, CARER, date(2025, 7, 1), "2", ["shopping"])
    refused(s, CareError, s.record_visit, CARER, date(2025, 3, 10), "0", ["shopping"])
    other = uuid.uuid4()
    refused(s, RosterExceedsGrant, s.set_roster, other, [{"weekday": "wed", "hours": "5"}])
    s.set_roster(other, [{"weekday": "wed", "hours": "4"}])
    assert s.ordered_hours(date(2025, 3, 10), date(2025, 3, 16)) == Decimal("10")


def test_a_care_home_referral_is_submitted_only_with_every_document_and_ends_placed():
    r = DpsReferral(request_ref="c/S2", case_id=None, person_id=uuid.uuid4(), person={}, started_on=ON)
    for document in ("wniosek", "wywiad_srodowiskowy", "zaswiadczenie_lekarskie", "zgoda_na_umieszczenie"):
        r.gather(document, date(2025, 3, 5))
    refused(r, DocumentsMissing, r.submit, date(2025, 3, 6))
    r.gather("decyzja_o_oplacie", date(2025, 3, 6))
    r.submit(date(2025, 3, 7))
    r.record_waiting_position(12, date(2025, 3, 20))
    assert r.state == "waiting"
    r.place("DPS Kalwaria", date(2025, 5, 2))
    refused(r, ReferralClosed, r.withdraw, date(2025, 5, 3), "x")
    assert r.state == "placed"


def test_a_family_assistant_works_within_the_centres_limit():
    a = FamilyAssistance(request_ref=None, case_id=None, person_id=uuid.uuid4(), person={}, requested_on=ON)
    refused(a, NotGranted, a.record_visit, date(2025, 3, 5), "2", "plan dnia")
    refused(a, AssistantLimitReached, a.assign, "Beata Kos", date(2025, 3, 4), 15, 15)
    a.assign("Beata Kos", date(2025, 3, 4), 14, 15)
    a.record_visit(date(2025, 3, 5), "2", "plan dnia dzieci")
    a.end(date(2025, 9, 1), "cele osiągnięte")
    refused(a, ServiceEnded, a.end, date(2025, 9, 2), "x")


def with_new_resolution(tmp_path, valid_from="2025-04-01", cost="50.00"):
    """The template table plus a council resolution raising the hourly cost from a date."""
    text = DEFAULT_TABLE.read_text(encoding="utf-8")
    start = text.index("\n[[care_fees]]")
    newer = text[start:].replace("valid_from = 2025-01-01", f"valid_from = {valid_from}").replace(
        'uslugi_opiekuncze = "38.00"', f'uslugi_opiekuncze = "{cost}"')
    own = tmp_path / "rules.toml"
    own.write_text(text + "\n" + newer, encoding="utf-8")
    return CareRules.load(own)


def test_a_new_fee_resolution_applies_to_a_running_service_from_its_date(tmp_path):
    rules = with_new_resolution(tmp_path)
    s = granted()  # granted in March at 20% of 38 zł = 7.60 zł
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])
    s.record_visit(CARER, date(2025, 3, 31), "2", ["personal_care"])
    s.record_visit(CARER, date(2025, 4, 7), "2", ["personal_care"])
    march, april = s.monthly_statement("2025-03", rules), s.monthly_statement("2025-04", rules)
    assert (march["fee_per_hour"], march["amount"]) == (Decimal("7.60"), Decimal("15.20"))
    assert (april["hourly_cost"], april["fee_per_hour"], april["amount"]) == (
        Decimal("50.00"), Decimal("10.00"), Decimal("20.00"))  # the new resolution: 20% of 50 zł


def test_a_resolution_in_force_mid_month_bills_each_visit_at_the_fee_of_its_day(tmp_path):
    rules = with_new_resolution(tmp_path, valid_from="2025-04-15")
    s = granted()
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])  # a visit needs a roster in force
    s.record_visit(CARER, date(2025, 4, 14), "2", ["personal_care"])
    s.record_visit(CARER, date(2025, 4, 15), "3", ["personal_care"])
    april = s.monthly_statement("2025-04", rules)
    assert [(line["hours"], line["fee_per_hour"]) for line in april["lines"]] == [
        (Decimal("2"), Decimal("7.60")), (Decimal("3"), Decimal("10.00"))]
    assert april["amount"] == Decimal("45.20") and april["fee_per_hour"] == Decimal("10.00")


@pytest.mark.parametrize("exemption", ["pięćdziesiąt", "NaN", "Infinity", "1e999999999", [], True])
def test_an_exemption_that_is_not_a_number_is_refused_by_name(exemption):
    s = assessed()
    s.state_income(1, "900", date(2025, 3, 3))
    refused(s, InvalidNumber, s.grant_service, RULES, date(2025, 3, 5), exemption_percent=exemption,
            exemption_reason="art. 64", **SIGNED)
    refused(s, InvalidNumber, s.grant_service, RULES, date(2025, 3, 5), exemption_percent="100.5",
            exemption_reason="art. 64", **SIGNED)
    s.grant_service(RULES, date(2025, 3, 5), exemption_percent="12,5", exemption_reason="art. 64", **SIGNED)
    assert s.grant["exemption_percent"] == Decimal("12.5")


@pytest.mark.parametrize("members, income", [(None, "900"), ("dwoje", "900"), ("1.5", "900"), (0, "900"),
                                             (True, "900"), (1, None), (1, "NaN"), (1, "-1"), (1, "dużo")])
def test_an_income_statement_with_bad_numbers_is_refused_by_name(members, income):
    s = assessed()
    refused(s, InvalidNumber, s.state_income, members, income, date(2025, 3, 3))


def test_roster_visits_and_waiting_positions_that_are_not_numbers_are_refused_by_name():
    s = granted()
    s.set_roster(uuid.uuid4(), [{"weekday": "tue", "hours": "2"}])  # a visit needs a roster in force
    for bad in ("dwie", None, "NaN", "-1", {"h": 1}):
        refused(s, InvalidNumber, s.record_visit, CARER, date(2025, 3, 10), bad, ["personal_care"])
        refused(s, InvalidNumber, s.set_roster, CARER, [{"weekday": "mon", "hours": bad}])
    refused(s, CareError, s.set_roster, CARER, "mon")
    refused(s, CareError, s.set_roster, CARER, [["mon", 2]])
    r = DpsReferral(request_ref=None, case_id=None, person_id=uuid.uuid4(), person={}, started_on=ON)
    for document in ("wniosek", "wywiad_srodowiskowy", "zaswiadczenie_lekarskie", "zgoda_na_umieszczenie",
                     "decyzja_o_oplacie"):
        r.gather(document, date(2025, 3, 5))
    r.submit(date(2025, 3, 7))
    for bad in ("pierwsze", None, "1.5", 0, "NaN"):
        refused(r, InvalidNumber, r.record_waiting_position, bad, date(2025, 3, 20))
    r.record_waiting_position("3", date(2025, 3, 20))
    assert r.waiting[-1]["position"] == 3


def test_ordered_delivered_and_missed_per_carer():
    s = granted()
    other = uuid.uuid4()
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])
    s.set_roster(other, [{"weekday": "thu", "hours": "3"}])
    s.record_visit(CARER, date(2025, 3, 10), "2", ["personal_care"])
    s.record_missed_visit(other, date(2025, 3, 13), "choroba opiekunki")
    first, last = date(2025, 3, 1), date(2025, 3, 31)
    assert (s.ordered_hours(first, last, CARER), s.ordered_hours(first, last, other)) == (Decimal(8), Decimal(9))
    assert (s.delivered_hours(first, last, CARER), s.delivered_hours(first, last, other)) == (Decimal(2), Decimal(0))
    assert (s.missed_visits(first, last, CARER), s.missed_visits(first, last, other)) == (0, 1)


def test_re_assigning_a_family_to_its_own_assistant_at_the_limit_changes_nothing():
    a = FamilyAssistance(request_ref=None, case_id=None, person_id=uuid.uuid4(), person={}, requested_on=ON)
    a.assign("Beata Kos", date(2025, 3, 4), 14, 15)
    a.collect_events()
    a.assign("  beata   KOS ", date(2025, 3, 6), 15, 15)  # her other families may be at the limit
    assert a.collect_events() == [] and a.assistant == "Beata Kos" and a.assigned_on == date(2025, 3, 4)


def test_a_roster_change_takes_effect_from_its_date_and_leaves_past_months_as_ordered():
    s = granted()  # 10 h a week, 2025-03-10 – 2025-06-30
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])  # the first roster: from the period's start
    assert s.rosters[0]["valid_from"] == date(2025, 3, 10)
    refused(s, InvalidDate, s.set_roster, CARER, [{"weekday": "mon", "hours": "4"}])  # a change names its day
    refused(s, OutsidePeriod, s.set_roster, CARER, [{"weekday": "mon", "hours": "4"}], date(2025, 7, 1))
    s.set_roster(CARER, [{"weekday": "mon", "hours": "4"}, {"weekday": "fri", "hours": "2"}], date(2025, 4, 14))
    march = s.monthly_statement("2025-03", RULES)["ordered_hours"]
    assert march == Decimal(8)  # Mondays 10, 17, 24, 31 at 2 h: March keeps the roster then in force
    # April: Mondays 7 (2 h) then 14, 21, 28 (4 h), Fridays 18, 25 (2 h).
    assert s.ordered_hours(date(2025, 4, 1), date(2025, 4, 30)) == Decimal(2 + 12 + 4)
    assert s.roster_on(date(2025, 4, 13)) == [{"weekday": "mon", "hours": Decimal(2), "carer_id": CARER}]
    assert [v["weekday"] for v in s.roster] == ["mon", "fri"]  # the latest roster
    # A second carer from May: the grant's 10 h a week is checked on each day a roster changes.
    other = uuid.uuid4()
    refused(s, RosterExceedsGrant, s.set_roster, other, [{"weekday": "wed", "hours": "5"}], date(2025, 5, 5))
    s.set_roster(other, [{"weekday": "wed", "hours": "4"}], date(2025, 5, 5))
    assert s.ordered_hours(date(2025, 5, 5), date(2025, 5, 11)) == Decimal(10)
    assert s.ordered_hours(date(2025, 5, 5), date(2025, 5, 11), other) == Decimal(4)
    # A backdated change that fits on its own day but overloads a later week is refused as well:
    # from 2025-04-01 2 + 5 h, but from 2025-04-14 6 + 5 h.
    refused(s, RosterExceedsGrant, s.set_roster, other, [{"weekday": "wed", "hours": "5"}], date(2025, 4, 1))
    # An empty plan ends a carer's visits from its day.
    s.set_roster(other, [], date(2025, 6, 1))
    assert s.ordered_hours(date(2025, 6, 2), date(2025, 6, 8), other) == Decimal(0)


def test_a_roster_recorded_before_rosters_had_a_date_applies_from_the_period_start():
    s = granted()
    s._rostered(carer_id=CARER, plan=[{"weekday": "mon", "hours": Decimal(2), "carer_id": CARER}])  # old event
    assert s.ordered_hours(date(2025, 3, 1), date(2025, 3, 31)) == Decimal(8)
    s.set_roster(CARER, [{"weekday": "mon", "hours": "3"}], date(2025, 4, 1))
    assert s.ordered_hours(date(2025, 3, 1), date(2025, 3, 31)) == Decimal(8)
    assert s.ordered_hours(date(2025, 4, 1), date(2025, 4, 30)) == Decimal(12)
    replayed = None
    for stored in s.collect_events():  # the same from the stored events
        replayed = stored.mutate(replayed)
    assert replayed.ordered_hours(date(2025, 3, 1), date(2025, 4, 30)) == Decimal(20)


def replayed(s: CareService) -> CareService:
    """The service as its stored events rebuild it."""
    service = None
    for stored in s.collect_events():
        service = stored.mutate(service)
    return service


def test_a_visit_happens_within_one_day():
    s = granted()
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])  # a visit needs a roster in force
    refused(s, TooManyHours, s.record_visit, CARER, date(2025, 3, 10), "25", ["personal_care"])
    s.record_visit(CARER, date(2025, 3, 10), "20", ["personal_care"])
    refused(s, TooManyHours, s.record_visit, uuid.uuid4(), date(2025, 3, 10), "4,5", ["shopping"])
    s.record_visit(uuid.uuid4(), date(2025, 3, 10), "4", ["shopping"])
    assert s.delivered_hours(date(2025, 3, 10), date(2025, 3, 10)) == Decimal(24)


WHY = {"reason": "karta pracy opiekunki", "corrected_by": "Iwona Cicha", "corrected_on": date(2025, 3, 20)}


def test_a_visit_recorded_wrongly_is_corrected_with_why_who_and_when_and_the_old_values_stay():
    s = granted()
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])
    s.record_visit(CARER, date(2025, 3, 10), "2", ["personal_care"])
    s.record_visit(CARER, date(2025, 3, 17), "20", ["personal_care"])
    other = uuid.uuid4()
    assert s.correct_visit(2, hours="2,5", on=date(2025, 3, 18), carer_id=other, **WHY) == ["carer_id", "on", "hours"]
    assert s.visits[1] == {"carer_id": other, "on": date(2025, 3, 18), "hours": Decimal("2.5"),
                           "activities": ["personal_care"]}
    assert s.corrections == [{"kind": "visit", "number": 2, "reason": "karta pracy opiekunki",
                              "corrected_by": "Iwona Cicha", "corrected_on": date(2025, 3, 20),
                              "old": {"carer_id": CARER, "on": date(2025, 3, 17), "hours": Decimal(20)},
                              "new": {"carer_id": other, "on": date(2025, 3, 18), "hours": Decimal("2.5")}}]
    # The fee statement and the hours follow the corrected visit: 2 + 2.5 h at 7.60 zł.
    statement = s.monthly_statement("2025-03", RULES)
    assert (statement["delivered_hours"], statement["amount"]) == (Decimal("4.5"), Decimal("34.20"))
    assert s.delivered_hours(date(2025, 3, 1), date(2025, 3, 31), CARER) == Decimal(2)
    assert s.delivered_hours(date(2025, 3, 1), date(2025, 3, 31), other) == Decimal("2.5")
    # The log keeps both: the recorded visit and its correction.
    again = replayed(s)
    assert again.visits == s.visits and again.corrections == s.corrections


def test_a_corrected_visit_keeps_the_rules_a_recorded_one_keeps_and_a_correction_says_why():
    s = granted()
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])  # a visit needs a roster in force
    s.record_visit(CARER, date(2025, 3, 10), "20", ["personal_care"])
    s.record_visit(CARER, date(2025, 3, 11), "4", ["personal_care"])
    s.collect_events()
    refused(s, OutsidePeriod, s.correct_visit, 1, on=date(2025, 3, 9), **WHY)
    refused(s, ActivityNotGranted, s.correct_visit, 1, activities=["cleaning"], **WHY)
    refused(s, TooManyHours, s.correct_visit, 1, hours="25", **WHY)
    s.correct_visit(1, hours="24", **WHY)  # the visit itself is not counted twice on its day
    refused(s, TooManyHours, s.correct_visit, 2, on=date(2025, 3, 10), **WHY)
    refused(s, InvalidNumber, s.correct_visit, 1, hours="0", **WHY)
    refused(s, NothingToCorrect, s.correct_visit, 2, hours="4,0", activities=["personal_care"], **WHY)
    refused(s, MissingCorrectionReason, s.correct_visit, 2, hours="3", **{**WHY, "reason": "  "})
    refused(s, CorrectionBeforeDecision, s.correct_visit, 2, hours="3", **{**WHY, "corrected_on": date(2025, 3, 4)})
    refused(s, NoSuchVisit, s.correct_visit, 3, hours="3", **WHY)
    refused(s, InvalidNumber, s.correct_visit, 0, hours="3", **WHY)
    # A visit of an ended service is still corrected (its last fee statement with it), not moved past the end.
    s.end(date(2025, 3, 12), "rezygnacja")
    s.correct_visit(2, hours="3", **WHY)
    refused(s, OutsidePeriod, s.correct_visit, 2, on=date(2025, 3, 13), **WHY)
    assert [v["hours"] for v in s.visits] == [Decimal(24), Decimal(3)]


def test_a_roster_recorded_wrongly_is_corrected_from_its_start_and_checked_as_a_roster_is():
    s = granted()  # 10 h a week, 2025-03-10 – 2025-06-30
    s.set_roster(CARER, [{"weekday": "mon", "hours": "2"}])
    s.set_roster(CARER, [{"weekday": "mon", "hours": "4"}], date(2025, 4, 14))
    assert s.monthly_statement("2025-03", RULES)["ordered_hours"] == Decimal(8)
    # The first roster was Mondays and Thursdays from the start: March's ordered hours follow.
    assert s.correct_roster(1, visits=[{"weekday": "mon", "hours": "3"}, {"weekday": "thu", "hours": "2"}],
                            **WHY) == ["plan"]
    assert s.monthly_statement("2025-03", RULES)["ordered_hours"] == Decimal(4 * 3 + 3 * 2)  # Thursdays 13, 20, 27
    assert s.corrections[-1]["old"] == {"plan": [{"weekday": "mon", "hours": Decimal(2), "carer_id": CARER}]}
    assert [v["weekday"] for v in s.roster] == ["mon"]  # the later change is still in force
    assert s.correct_roster(2, valid_from=date(2025, 4, 7), **WHY) == ["valid_from"]
    assert s.ordered_hours(date(2025, 4, 7), date(2025, 4, 13)) == Decimal(4)
    again = replayed(s)  # the log keeps the rosters as recorded and each correction
    assert again.rosters == s.rosters and again.roster == s.roster and again.corrections == s.corrections
    # Another carer from 2025-04-07: 4 + 6 h. Moving the change back to the 21st would leave the
    # first roster's 5 h beside those 6 h for two weeks: the grant's 10 h a week are checked there too.
    other = uuid.uuid4()
    s.set_roster(other, [{"weekday": "wed", "hours": "6"}], date(2025, 4, 7))
    refused(s, RosterExceedsGrant, s.correct_roster, 2, valid_from=date(2025, 4, 21), **WHY)
    refused(s, RosterExceedsGrant, s.correct_roster, 3, visits=[{"weekday": "wed", "hours": "7"}], **WHY)
    refused(s, OutsidePeriod, s.correct_roster, 2, valid_from=date(2025, 7, 1), **WHY)
    refused(s, NothingToCorrect, s.correct_roster, 2, visits=[{"weekday": "mon", "hours": 4}], **WHY)
    refused(s, NoSuchRoster, s.correct_roster, 4, valid_from=date(2025, 5, 5), **WHY)
    refused(s, MissingCorrectionReason, s.correct_roster, 2, valid_from=date(2025, 5, 5), **{**WHY, "reason": ""})


def test_a_person_s_corrected_identity_reaches_each_care_file_once_with_the_old_values():
    s = granted()
    r = DpsReferral(request_ref=None, case_id=None, person_id=s.person_id, person={"full_name": "Jan Wiśniewski"},
                    started_on=ON)
    for file in (s, r):
        assert file.correct_person({"full_name": "Jan Wiśniewski-Kot", "contact": None}, date(2025, 4, 1))
        assert file.person == {"full_name": "Jan Wiśniewski-Kot", "contact": None}
        assert file.person_corrections == [{"corrected": ["full_name"], "old": {"full_name": "Jan Wiśniewski"},
                                             "corrected_on": date(2025, 4, 1)}]
        file.collect_events()
        assert not file.correct_person({"full_name": "Jan Wiśniewski-Kot"}, date(2025, 4, 2))
        assert file.collect_events() == []
