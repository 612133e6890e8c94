"""The half-year MRPiPS-03 report of a small centre built in-process, every figure by hand."""

import csv
import io
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.care.application import CareApplication
from services.casework.application import CaseworkApplication
from services.decisions.application import DecisionsApplication
from shared.contracts.intake import CASE_ROUTED
from shared.envelope import Envelope, source_of
from shared.mrpips03 import ROWS, ReportError, combine, half_year, to_csv, to_html
from services.decisions.tests.staff import AUTHORITY, SIGNATORY

SIGNED = {"signed_by": "Maria Kowalczyk", "on_authority_of": "Prezydenta Miasta"}
IBAN = "PL61 1090 1014 0000 0712 1981 2874"


@pytest.fixture
def centre(make_database_url):
    decisions = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    casework = CaseworkApplication(make_database_url("casework"))
    care = CareApplication(make_database_url("care"))
    yield decisions, casework, care
    for app in (decisions, casework, care):
        app.close()


def granted(app, person_id, name, benefit, household, incomes, outcome="grant", unable=False, **decision):
    p = app.open_ex_officio(person_id, {"full_name": name}, benefit, date(2026, 3, 2))
    app.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": n} for n in household[:1]]
                         + [{"name": n, "relation": "rodzina"} for n in household[1:]],
                         incomes=incomes, unable_to_work=unable)
    app.assess(p)
    app.issue_decision(p, outcome=outcome, issued_on=date(2026, 3, 10), legal_basis="u.p.s.",
                       justification="" if outcome == "grant" else "część", signatory=SIGNATORY, **decision)
    app.record_delivery(p, date(2026, 3, 12))
    return p


def case_routed(app, number, routed_on, reasons):
    data = {"case_id": str(uuid.uuid4()), "person_id": str(uuid.uuid4()), "routed_on": routed_on, "urgent": False,
            "full_name": f"Osoba {number}", "birth_date": None, "pesel": None, "document_number": None,
            "address": None, "contact": None, "routing_reason": "wsparcie", "reasons_for_help": reasons}
    app.process(Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"),
                                 type=CASE_ROUTED["casework"].type, time=datetime.now(timezone.utc),
                                 subject=data["case_id"], data=data, notification_id=number))


def care_service(app, carer, kind, members, income, period_to, visits):
    s = app.open_request(uuid.uuid4(), {"full_name": "Osoba"}, kind, False, date(2026, 3, 2))
    app.assess(s, assessed_on=date(2026, 3, 2), kind=kind, activities=["personal_care"], hours_per_week="5",
               period_from=date(2026, 3, 9), period_to=period_to)
    app.state_income(s, members=members, monthly_income=income, stated_on=date(2026, 3, 2))
    app.grant(s, issued_on=date(2026, 3, 4), **SIGNED)
    app.set_roster(s, carer, [{"weekday": "mon", "hours": "5"}])  # visits are delivered under a roster
    for on, hours in visits:
        app.record_visit(s, carer, on=on, hours=hours, activities=["personal_care"])


def build(decisions, casework, care):
    anna, jan = uuid.uuid4(), uuid.uuid4()
    # Anna, alone: zasiłek okresowy 400 zł April–September, by transfer; April and May paid, June
    # returned by the bank (not counted).
    okresowy = granted(decisions, anna, "Anna Nowak", "zasilek_okresowy", ["Anna Nowak"],
                       [{"member": "Anna Nowak", "source": "alimenty", "amount": "400"}], amount="400.00",
                       period_from=date(2026, 4, 1), period_to=date(2026, 9, 30), payment_method="bank_transfer",
                       account=IBAN)
    for month in ("2026-04", "2026-05", "2026-06"):
        decisions.record_payment(okresowy, month, date(2026, int(month[-2:]), 10))
    decisions.record_payment_returned(okresowy, "2026-06", date(2026, 6, 15), "rachunek zamknięty")
    # Jan, unable to work, with his wife (1,200 zł) and a child: zasiłek stały 1,069.90 - 400 =
    # 669.90 zł from April, in cash, paid April to June; a meal (posiłek) April to June.
    household = ["Jan Kos", "Ewa Kos", "Ola Kos"]
    incomes = [{"member": "Ewa Kos", "source": "wynagrodzenie", "amount": "1200"}]
    staly = granted(decisions, jan, "Jan Kos", "zasilek_staly", household, incomes, unable=True, amount="669.90",
                    period_from=date(2026, 4, 1), payment_method="cash")
    for month in ("2026-04", "2026-05", "2026-06"):
        decisions.record_payment(staly, month, date(2026, int(month[-2:]), 5))
    granted(decisions, jan, "Jan Kos", "posilek", household, incomes, period_from=date(2026, 4, 1),
            period_to=date(2026, 6, 30))
    # Not in the first half-year: a partial grant not yet final, and help from July.
    granted(decisions, uuid.uuid4(), "Iza Lis", "zasilek_celowy", ["Iza Lis"], [], outcome="partial_grant",
            amount="200.00", period_from=date(2026, 4, 1), payment_method="cash")
    granted(decisions, uuid.uuid4(), "Olga Wiśniewska", "zasilek_celowy", ["Olga Wiśniewska"], [],
            amount="300.00", period_from=date(2026, 7, 1), payment_method="cash")
    # Social work: two families in the half-year (one for unemployment and poverty, one for
    # unemployment), a third from August.
    case_routed(casework, 1, "2026-02-01", ["bezrobocie", "ubostwo"])
    case_routed(casework, 2, "2026-05-10", ["bezrobocie"])
    case_routed(casework, 3, "2026-08-01", ["przemoc_w_rodzinie"])
    # Care: usługi opiekuńcze for a couple (5 hours in the half-year at 38 zł; July's 4 hours are
    # the next half's), specialist services for a person with mental disorders (1.5 hours at 60 zł).
    carer = care.register_carer("Halina Opiekun", "MOPS")
    care_service(care, carer, "uslugi_opiekuncze", 2, "3000", None,
                 [(date(2026, 3, 10), "2"), (date(2026, 6, 30), "3"), (date(2026, 7, 1), "4")])
    care_service(care, carer, "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne", 1, "1010", date(2026, 6, 30),
                 [(date(2026, 4, 2), "1.5")])


def test_the_half_year_report_of_a_small_centre(centre):
    decisions, casework, care = centre
    build(decisions, casework, care)
    report = combine({team.service: team.mrpips03_part(2026, 1) for team in (decisions, casework, care)}, 2026, 1)
    filled = {r["key"]: tuple(r[c] for c in ("persons", "benefits", "amount", "families", "persons_in_families"))
              for r in report["rows"] if r["team"]}
    assert filled == {
        "ogolem": (2, 6, Decimal("2809.70"), 2, 4),  # 800 + 3 x 669.90; Anna (1) and Jan's family (3)
        "zasilek_staly": (1, 3, Decimal("2009.70"), 1, 3),
        "skladki_zdrowotne": (1, 3, Decimal("180.87"), 1, 3),  # 9% of 669.90 = 60.29, three months
        "zasilek_okresowy": (1, 2, Decimal("800.00"), 1, 1),  # June came back from the bank
        "posilek": (1, 1, None, 1, 3),
        "powod_bezrobocie": (None, None, None, 2, None),
        "powod_ubostwo": (None, None, None, 1, None),
        "praca_socjalna": (None, None, None, 2, None),
        "uslugi_opiekuncze": (1, Decimal("5"), Decimal("190.00"), 1, 2),
        "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne": (1, Decimal("1.5"), Decimal("90.00"), 1, 1),
    }
    assert (report["from"], report["to"]) == (date(2026, 1, 1), date(2026, 6, 30))
    second = combine({team.service: team.mrpips03_part(2026, 2) for team in (decisions, casework, care)}, 2026, 2)
    rows = {r["key"]: r for r in second["rows"]}
    assert rows["zasilek_celowy"]["persons"] == 1 and rows["zasilek_celowy"]["benefits"] == 0  # granted, not paid
    assert rows["praca_socjalna"]["families"] == 3 and rows["powod_przemoc_w_rodzinie"]["families"] == 1
    assert (rows["uslugi_opiekuncze"]["benefits"], rows["uslugi_opiekuncze"]["amount"]) == (Decimal("4"),
                                                                                            Decimal("152.00"))
    assert rows["specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne"]["team"] is None  # ended in June


def test_the_csv_follows_the_forms_row_order_and_the_page_reads_it(centre):
    decisions, casework, care = centre
    build(decisions, casework, care)
    report = combine({team.service: team.mrpips03_part(2026, 1) for team in (decisions, casework, care)}, 2026, 1)
    lines = list(csv.reader(io.StringIO(to_csv(report))))
    assert lines[0][:3] == ["dział", "wiersz", "osoby, którym decyzją przyznano świadczenie"]
    assert [line[1] for line in lines[1:]] == [r.label for r in ROWS]
    assert lines[1 + [r.key for r in ROWS].index("zasilek_staly")] == ["1B", "zasiłki stałe", "1", "3", "2009.70",
                                                                      "1", "3"]
    assert lines[1 + [r.key for r in ROWS].index("uslugi_opiekuncze")] == ["1B", "usługi opiekuńcze", "1", "5.00",
                                                                          "190.00", "1", "2"]
    assert lines[1 + [r.key for r in ROWS].index("pomoc_rzeczowa")][2:] == ["", "", "", "", ""]
    page = to_html(report)
    assert "MRPiPS-03 – 1. półrocze 2026 (2026-01-01 – 2026-06-30)" in page and "2009.70" in page
    assert "Anna" not in page and "Kos" not in to_csv(report)  # no person in the report


def test_parts_that_do_not_fit_the_form_are_refused():
    with pytest.raises(ReportError, match="does not have"):
        combine({"decisions": {"zasilek_dla_bezrobotnych": {"persons": 1}}}, 2026, 1)
    with pytest.raises(ReportError, match="both decisions and casework"):
        combine({"decisions": {"praca_socjalna": {}}, "casework": {"praca_socjalna": {}}}, 2026, 1)
    with pytest.raises(ReportError, match="columns"):
        combine({"casework": {"praca_socjalna": {"pesel": 1}}}, 2026, 1)
    with pytest.raises(ReportError):
        half_year(2026, 3)


def test_a_one_off_zasilek_celowy_counts_in_the_half_year_of_its_payment_only(centre):
    decisions = centre[0]
    p = granted(decisions, uuid.uuid4(), "Iza Lis", "zasilek_celowy", ["Iza Lis", "Adam Lis"], [], amount="300.00",
                period_from=date(2026, 5, 1), payment_method="cash")
    decisions.become_final(p, date(2026, 3, 27))
    decisions.record_payment(p, "2026-05", date(2026, 5, 4))
    assert decisions.mrpips03_part(2026, 1)["zasilek_celowy"] == {
        "benefits": 1, "amount": Decimal("300.00"), "persons": 1, "families": 1, "persons_in_families": 2}
    for year, half in ((2026, 2), (2027, 1)):  # granted without a period: paid once, helped once
        assert "zasilek_celowy" not in decisions.mrpips03_part(year, half)
