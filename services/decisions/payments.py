"""What the decisions team pays, from its own proceedings. Pure Python.

- payment_list: the month's payments per benefit and per method (bank transfer, cash at the
  desk), from enforceable grants (final, or at once under KPA art. 130 § 4) with their changes,
  suspensions and revocations; months not paid yet, or returned by the bank, are paid now
  (arrears);
- credit_transfer_file: the list's bank transfers as an ISO 20022 pain.001.001.03 message, the
  format Polish banks take for mass payments (its schema: services/decisions/iso20022/);
- health_contributions: the health-insurance contributions the centre pays for people on zasiłek
  stały (the declarations to ZUS themselves are out of scope).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Iterable
from xml.etree import ElementTree

from dateutil.relativedelta import relativedelta

from services.decisions.domain import InvalidAccount, Proceeding, an_account
from services.decisions.rules import HealthContributionRule
from shared.rule_table import zl
from shared.values import a_date
from shared.vocabulary import FORMS_OF_HELP

PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"


class MissingAccount(InvalidAccount):
    """A bank transfer is due to someone whose account the decision does not give."""


def month_end(month: str) -> date:
    first = a_date(f"{month}-01", "the month (YYYY-MM)")
    return first + relativedelta(months=1, days=-1)


def due_payments(p: Proceeding, month: str, as_of: date) -> list[dict]:
    """The entries of one proceeding to pay in the month's run: its schedule up to the month,
    less what is paid and stands, once the decision is enforceable on `as_of`."""
    if not p.enforceable_from or p.enforceable_from > as_of:
        return []
    return [{"proceeding_id": p.id, "person": p.person.get("full_name"), "benefit": p.benefit,
             "for_month": e["month"], "amount": e["amount"], "method": e["method"],
             "account": p.decision.get("account")}
            for e in p.payment_schedule(month_end(month)) if e["month"] <= month and not p.paid(e["month"])]


def payment_list(proceedings: Iterable[Proceeding], month: str, as_of: date) -> dict:
    """The month's payment list, grouped per benefit and per payment method, with totals."""
    lines = [line for p in proceedings for line in due_payments(p, month, as_of)]
    groups: dict[tuple[str, str], dict] = {}
    for line in sorted(lines, key=lambda x: (x["benefit"], x["method"], x["person"] or "", x["for_month"])):
        group = groups.setdefault((line["benefit"], line["method"]), {
            "benefit": line["benefit"], "label": FORMS_OF_HELP[line["benefit"]], "method": line["method"],
            "count": 0, "total": Decimal(0), "lines": []})
        group["lines"].append(line)
        group["count"] += 1
        group["total"] += line["amount"]
    return {"month": month, "as_of": as_of, "groups": list(groups.values()),
            "total": sum((line["amount"] for line in lines), Decimal(0)), "count": len(lines)}


def credit_transfer_file(payments: dict, debtor_name: str, debtor_account: str, execution_date: date,
                         created_at: datetime) -> bytes:
    """The payment list's bank transfers as one pain.001.001.03 message (UTF-8 XML): one payment
    instruction from the centre's account, one transaction per line, each with the recipient's
    IBAN checked and a title naming the benefit and the month."""
    transfers = [line for group in payments["groups"] if group["method"] == "bank_transfer"
                 for line in group["lines"]]
    missing = [f"{line['person']} ({line['proceeding_id']})" for line in transfers if not line["account"]]
    if missing:
        raise MissingAccount(f"no account for: {', '.join(missing)}; set it before sending the file")
    debtor_account = an_account(debtor_account)
    message_id = f"OPS-{payments['month']}-{created_at:%Y%m%d%H%M%S}"
    total = sum((line["amount"] for line in transfers), Decimal(0))

    def sub(parent, tag, text=None, **attributes):
        element = ElementTree.SubElement(parent, f"{{{PAIN_001}}}{tag}", attributes)
        if text is not None:
            element.text = str(text)
        return element

    ElementTree.register_namespace("", PAIN_001)
    document = ElementTree.Element(f"{{{PAIN_001}}}Document")
    initiation = sub(document, "CstmrCdtTrfInitn")
    header = sub(initiation, "GrpHdr")
    sub(header, "MsgId", message_id)
    sub(header, "CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    sub(header, "NbOfTxs", len(transfers))
    sub(header, "CtrlSum", f"{total:.2f}")
    sub(sub(header, "InitgPty"), "Nm", debtor_name[:140])
    instruction = sub(initiation, "PmtInf")
    sub(instruction, "PmtInfId", f"{message_id}-1")
    sub(instruction, "PmtMtd", "TRF")
    sub(instruction, "NbOfTxs", len(transfers))
    sub(instruction, "CtrlSum", f"{total:.2f}")
    sub(instruction, "ReqdExctnDt", execution_date.isoformat())
    sub(sub(instruction, "Dbtr"), "Nm", debtor_name[:140])
    sub(sub(sub(instruction, "DbtrAcct"), "Id"), "IBAN", debtor_account)
    sub(sub(sub(sub(instruction, "DbtrAgt"), "FinInstnId"), "Othr"), "Id", "NOTPROVIDED")  # the bank knows its own
    sub(instruction, "ChrgBr", "SLEV")
    for number, line in enumerate(transfers, 1):
        transaction = sub(instruction, "CdtTrfTxInf")
        sub(sub(transaction, "PmtId"), "EndToEndId", f"{payments['month']}-{number:05d}")
        sub(sub(transaction, "Amt"), "InstdAmt", f"{line['amount']:.2f}", Ccy="PLN")
        sub(sub(transaction, "Cdtr"), "Nm", (line["person"] or "")[:140])
        sub(sub(sub(transaction, "CdtrAcct"), "Id"), "IBAN", an_account(line["account"]))
        sub(sub(transaction, "RmtInf"), "Ustrd", f"{FORMS_OF_HELP[line['benefit']]} za {line['for_month']}"[:140])
    return ElementTree.tostring(document, encoding="UTF-8", xml_declaration=True)


def health_contributions(proceedings: Iterable[Proceeding], month: str, rule: HealthContributionRule) -> dict:
    """The month's health-insurance contributions for people on zasiłek stały not insured on
    another title: the zasiłek due for the month as the base, the rate from the rule table."""
    lines = []
    for p in proceedings:
        if p.benefit != "zasilek_staly" or not p.enforceable_from or p.insured_elsewhere_in(month):
            continue
        entry = next((e for e in p.payment_schedule(month_end(month)) if e["month"] == month), None)
        if entry:
            lines.append({"proceeding_id": p.id, "person": p.person.get("full_name"), "month": month,
                          "base": entry["amount"], "rate_percent": rule.rate_percent,
                          "contribution": zl(entry["amount"] * rule.rate_percent / 100)})
    lines.sort(key=lambda x: x["person"] or "")
    return {"month": month, "legal_basis": rule.source, "lines": lines,
            "total": sum((x["contribution"] for x in lines), Decimal(0))}
