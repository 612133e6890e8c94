"""Payment lists per benefit and method, the pain.001.001.03 bank file validated against its XSD,
payments made and returned, art. 98 claims, and the health contributions for zasiłek stały."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from services.decisions.application import DecisionsApplication
from services.decisions.domain import (
    InvalidAccount,
    InvalidClaim,
    InvalidDate,
    MissingJustification,
    PaymentError,
    Proceeding,
)
from services.decisions.payments import MissingAccount, credit_transfer_file, health_contributions, payment_list
from services.decisions.tests.staff import AUTHORITY, SIGNATORY
from services.decisions.tests.test_domain import RULES, SIGNED, refused_and_unchanged

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "iso20022" / "pain.001.001.03.xsd")))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
ANNA_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
CENTRE_IBAN = "PL27 1140 2004 0000 3002 0135 5387"
CREATED = datetime(2026, 4, 28, 9, 30)


def grant(name, benefit, amount, method, outcome="grant", account=None, period_to=date(2026, 9, 30),
          income="400", unable=False, members=1):
    p = Proceeding.open(RULES, uuid.uuid4(), {"full_name": name}, date(2026, 3, 2), benefit)
    household = [{"name": name}] + [{"name": f"{name} {i}", "relation": "dziecko"} for i in range(1, members)]
    p.record_interview(date(2026, 3, 5), household, [{"member": name, "source": "inne", "amount": income}],
                       unable_to_work=unable)
    p.assess(RULES)
    p.issue_decision(outcome, date(2026, 3, 10), "u.p.s.", "" if outcome == "grant" else "część", amount=amount,
                     period_from=date(2026, 4, 1), period_to=period_to, payment_method=method, account=account,
                     **SIGNED)
    p.record_delivery(RULES, date(2026, 3, 12))
    return p


def centre():
    anna = grant("Anna Nowak", "zasilek_okresowy", "400.00", "bank_transfer", account=ANNA_IBAN)
    jan = grant("Jan Kos", "zasilek_staly", "1229.00", "cash", period_to=None, income="0", unable=True)
    ewa = grant("Ewa Lis", "zasilek_okresowy", "350.00", "cash", outcome="partial_grant")  # waits for finality
    ola = grant("Ola Wiśniewska", "zasilek_celowy", "250.00", "bank_transfer", account="PL27114020040000300201355387",
                period_to=None)  # paid once, in April
    return anna, jan, ewa, ola


def test_the_months_list_per_benefit_and_method_from_enforceable_decisions():
    anna, jan, ewa, ola = centre()
    listed = payment_list([anna, jan, ewa, ola], "2026-04", as_of=date(2026, 3, 20))
    assert [(g["benefit"], g["method"], g["count"], g["total"]) for g in listed["groups"]] == [
        ("zasilek_celowy", "bank_transfer", 1, Decimal("250.00")),
        ("zasilek_okresowy", "bank_transfer", 1, Decimal("400.00")),
        ("zasilek_staly", "cash", 1, Decimal("1229.00")),
    ]  # Ewa's partial grant is not final on 20 March: not paid yet
    assert (listed["count"], listed["total"]) == (3, Decimal("1879.00"))
    ewa.become_final(date(2026, 3, 27))
    later = payment_list([anna, jan, ewa, ola], "2026-04", as_of=date(2026, 3, 27))
    assert ("zasilek_okresowy", "cash", 1, Decimal("350.00")) in [
        (g["benefit"], g["method"], g["count"], g["total"]) for g in later["groups"]]


def test_changes_suspensions_and_revocations_shape_the_months_list():
    anna, jan, _, _ = centre()
    anna.become_final(date(2026, 3, 27))
    jan.become_final(date(2026, 3, 27))
    anna.change(RULES, "450.00", date(2026, 5, 1), date(2026, 4, 20), "zmiana dochodu", **SIGNED)
    jan.suspend(date(2026, 5, 1), date(2026, 4, 20), "art. 11", **SIGNED)
    for p in (anna, jan):
        p.record_payment("2026-04", date(2026, 4, 10), until=date(2026, 4, 30))
    may = payment_list([anna, jan], "2026-05", as_of=date(2026, 5, 1))
    assert [(line["person"], line["for_month"], line["amount"]) for g in may["groups"] for line in g["lines"]] == [
        ("Anna Nowak", "2026-05", Decimal("450.00"))]  # Jan's payments are suspended from May
    anna.revoke(date(2026, 6, 1), date(2026, 5, 20), "podjęcie pracy", **SIGNED)
    assert payment_list([anna], "2026-06", as_of=date(2026, 6, 1))["count"] == 1  # May is still unpaid: arrears
    anna.record_payment("2026-05", date(2026, 5, 10), until=date(2026, 5, 31))
    assert payment_list([anna], "2026-06", as_of=date(2026, 6, 1))["count"] == 0


def test_a_payment_returned_by_the_bank_is_due_again_and_payments_are_recorded_once():
    anna, *_ = centre()
    refused_and_unchanged(anna, InvalidDate, anna.record_payment, "2026-04", date(2026, 3, 11), date(2026, 4, 30))
    refused_and_unchanged(anna, PaymentError, anna.record_payment, "2026-10", date(2026, 4, 10), date(2026, 10, 31))
    anna.record_payment("2026-04", date(2026, 4, 10), until=date(2026, 4, 30))
    refused_and_unchanged(anna, PaymentError, anna.record_payment, "2026-04", date(2026, 4, 11), date(2026, 4, 30))
    assert payment_list([anna], "2026-04", as_of=date(2026, 4, 10))["count"] == 0
    refused_and_unchanged(anna, PaymentError, anna.record_payment_returned, "2026-04", date(2026, 4, 14), " ")
    refused_and_unchanged(anna, InvalidDate, anna.record_payment_returned, "2026-04", date(2026, 4, 9), "konto")
    anna.record_payment_returned("2026-04", date(2026, 4, 14), "rachunek zamknięty")
    [line] = payment_list([anna], "2026-04", as_of=date(2026, 4, 14))["groups"][0]["lines"]
    assert (line["for_month"], line["amount"]) == ("2026-04", Decimal("400.00"))
    anna.set_account("PL27114020040000300201355387")
    assert payment_list([anna], "2026-04", as_of=date(2026, 4, 14))["groups"][0]["lines"][0]["account"] == \
        "PL27114020040000300201355387"
    anna.record_payment("2026-04", date(2026, 4, 15), until=date(2026, 4, 30))
    assert [p["returned_on"] for p in anna.payments] == [date(2026, 4, 14), None]


def test_accounts_are_checked_ibans():
    with pytest.raises(InvalidAccount, match="not a valid IBAN"):
        grant("Anna Nowak", "zasilek_okresowy", "400.00", "bank_transfer", account="PL61109010140000071219812875")
    anna, jan, *_ = centre()
    refused_and_unchanged(anna, InvalidAccount, anna.set_account, "12 3456")
    refused_and_unchanged(jan, PaymentError, jan.set_account, ANNA_IBAN)  # paid in cash
    assert anna.decision["account"] == "PL61109010140000071219812874"


def test_the_bank_file_is_a_valid_pain_001_001_03_with_every_transfer():
    anna, jan, _, ola = centre()
    listed = payment_list([anna, jan, ola], "2026-04", as_of=date(2026, 3, 20))
    xml = credit_transfer_file(listed, "Miejski Ośrodek Pomocy Społecznej", CENTRE_IBAN, date(2026, 4, 30), CREATED)
    document = etree.fromstring(xml)
    XSD.assertValid(document)
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert document.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "650.00"
    assert document.findtext(".//p:PmtInf/p:ReqdExctnDt", namespaces=NS) == "2026-04-30"
    assert document.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "PL27114020040000300201355387"
    transfers = [(t.findtext("p:Cdtr/p:Nm", namespaces=NS), t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
                  t.findtext("p:Amt/p:InstdAmt", namespaces=NS), t.find("p:Amt/p:InstdAmt", NS).get("Ccy"),
                  t.findtext("p:RmtInf/p:Ustrd", namespaces=NS))
                 for t in document.iterfind(".//p:CdtTrfTxInf", NS)]
    assert transfers == [
        ("Ola Wiśniewska", "PL27114020040000300201355387", "250.00", "PLN", "zasiłek celowy za 2026-04"),
        ("Anna Nowak", "PL61109010140000071219812874", "400.00", "PLN", "zasiłek okresowy za 2026-04")]


def test_the_bank_file_names_whoever_has_no_account_and_checks_the_centres():
    anna = grant("Anna Nowak", "zasilek_okresowy", "400.00", "bank_transfer")
    listed = payment_list([anna], "2026-04", as_of=date(2026, 3, 20))
    with pytest.raises(MissingAccount, match="no account for: Anna Nowak"):
        credit_transfer_file(listed, "MOPS", CENTRE_IBAN, date(2026, 4, 30), CREATED)
    anna.set_account(ANNA_IBAN)
    listed = payment_list([anna], "2026-04", as_of=date(2026, 3, 20))
    with pytest.raises(InvalidAccount):
        credit_transfer_file(listed, "MOPS", "PL00 0000", date(2026, 4, 30), CREATED)


def test_an_undue_benefit_is_claimed_back_up_to_what_was_paid_and_repaid():
    anna, *_ = centre()
    anna.record_payment("2026-04", date(2026, 4, 10), until=date(2026, 4, 30))
    claim = dict(issued_on=date(2026, 5, 20), justification="zataił dochód z pracy (art. 6 pkt 16)", **SIGNED)
    refused_and_unchanged(anna, InvalidClaim, anna.claim_back, ["2026-05"], "400.00", **claim)  # not paid
    refused_and_unchanged(anna, InvalidClaim, anna.claim_back, ["2026-04"], "400.01", **claim)
    refused_and_unchanged(anna, InvalidClaim, anna.claim_back, ["2026-04"], "0", **claim)
    refused_and_unchanged(anna, MissingJustification, anna.claim_back, ["2026-04"], "400.00",
                          **{**claim, "justification": ""})
    anna.claim_back(["2026-04"], "400.00", **claim)
    assert anna.amount_to_repay == Decimal("400.00")
    anna.record_repayment("150.00", date(2026, 6, 1))
    refused_and_unchanged(anna, InvalidClaim, anna.record_repayment, "250.01", date(2026, 6, 2))
    anna.record_repayment("250.00", date(2026, 6, 2))
    assert anna.amount_to_repay == Decimal("0.00")


def test_health_contributions_for_zasilek_staly_at_9_percent_with_their_legal_basis():
    _, jan, *_ = centre()
    zofia = grant("Zofia Kot", "zasilek_staly", "653.00", "bank_transfer", account=ANNA_IBAN, period_to=None,
                  income="660", unable=True)  # 130% of 1,010 zł less 660 zł
    rule = RULES.health_contribution.on(date(2026, 4, 30))
    april = health_contributions([jan, zofia], "2026-04", rule)
    assert [(x["person"], x["base"], x["contribution"]) for x in april["lines"]] == [
        ("Jan Kos", Decimal("1229.00"), Decimal("110.61")), ("Zofia Kot", Decimal("653.00"), Decimal("58.77"))]
    assert april["total"] == Decimal("169.38")
    assert april["legal_basis"] == ("art. 66 ust. 1, art. 79 ust. 1, art. 81 i art. 85 ustawy z 27.08.2004 o "
                                    "świadczeniach opieki zdrowotnej finansowanych ze środków publicznych")
    assert health_contributions([jan], "2026-03", rule)["lines"] == []  # the zasiłek starts in April
    zofia.note_health_insurance(True, "2026-05")  # insured as an employee's family member from May
    assert [x["person"] for x in health_contributions([jan, zofia], "2026-05", rule)["lines"]] == ["Jan Kos"]


@pytest.fixture
def decisions(make_database_url):
    app = DecisionsApplication(make_database_url("decisions"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def test_the_application_lists_pays_and_writes_the_file(decisions):
    p = decisions.open_ex_officio(uuid.uuid4(), {"full_name": "Anna Nowak"}, "zasilek_okresowy", date(2026, 3, 2))
    decisions.record_interview(p, held_on=date(2026, 3, 5), household=[{"name": "Anna Nowak"}],
                               incomes=[{"member": "Anna Nowak", "source": "alimenty", "amount": "400"}])
    decisions.assess(p)
    decisions.issue_decision(p, outcome="grant", issued_on=date(2026, 3, 10), legal_basis="art. 38", justification="",
                             amount="400.00", period_from=date(2026, 4, 1), period_to=date(2026, 5, 31),
                             payment_method="bank_transfer", account=ANNA_IBAN, signatory=SIGNATORY)
    decisions.record_delivery(p, date(2026, 3, 12))
    listed = decisions.payment_list("2026-04", as_of=date(2026, 4, 1))
    assert (listed["count"], listed["total"]) == (1, Decimal("400.00"))
    xml = decisions.bank_transfer_file("2026-04", date(2026, 4, 1), "MOPS", CENTRE_IBAN, date(2026, 4, 10), CREATED)
    XSD.assertValid(etree.fromstring(xml))
    decisions.record_payment(p, "2026-04", date(2026, 4, 10))
    decisions.record_payment_returned(p, "2026-04", date(2026, 4, 14), "rachunek zamknięty")
    decisions.set_account(p, "PL27114020040000300201355387")
    decisions.record_payment(p, "2026-04", date(2026, 4, 15))
    decisions.claim_back(p, SIGNATORY, months=["2026-04"], amount="100.00", issued_on=date(2026, 5, 5),
                         justification="zataił dochód")
    decisions.record_repayment(p, "100.00", date(2026, 5, 20))
    assert decisions.proceeding(p).amount_to_repay == Decimal("0.00")
    assert decisions.health_contributions("2026-04")["lines"] == []
