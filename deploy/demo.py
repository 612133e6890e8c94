"""`make demo`: starts the gateway, intake, casework, decisions, care and training as separate processes,
plays a short scenario through the gateway, each step as the member of staff whose role it is (the
demo accounts of deploy/staff.py), over HTTP and RabbitMQ, prints what happened, and stops them.

Runs in a fresh broker virtual host and a fresh data folder, so it can be repeated.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import time

from deploy.broker import SERVICES, LocalDeployment
from deploy.client import StaffClient
from deploy.launcher import ROOT, start_all
from deploy.staff import sign_in_help
from shared.broker import OPERATOR, Accounts

VHOST = "ops-demo"
DATA_DIR = ROOT / "var" / "demo"
TODAY = "2026-11-02"

PEOPLE = [
    {
        "full_name": "Anna Nowak",
        "pesel": "85071512348",
        "address": {"street": "ul. Grochowska 12/4", "postal_code": "04-301", "city": "Warszawa"},
        "contact": "+48 600 100 200",
        "household": [{"name": "Zofia Nowak", "birth_date": "2015-03-02", "relation": "córka"}],
        "talk": {
            "reasons_for_help": ["bezrobocie", "bezradnosc_opiekunczo_wychowawcza"],
            "help_requested": ["praca_socjalna", "zasilek_okresowy"],
            "urgent": False,
            "notes": "Samotna matka, straciła pracę w sierpniu.",
        },
        "route": [("casework", "Wsparcie w opiece nad córką i powrocie do pracy."),
                  ("decisions", "Wniosek o zasiłek okresowy.")],
    },
    {
        "full_name": "Jan Wiśniewski",
        "pesel": "52030412357",
        "address": {"street": "ul. Ostrobramska 70", "postal_code": "04-118", "city": "Warszawa"},
        "contact": None,
        "household": [],
        "talk": {
            "reasons_for_help": ["dlugotrwala_lub_ciezka_choroba", "niepelnosprawnosc"],
            "help_requested": ["uslugi_opiekuncze", "praca_socjalna"],
            "urgent": True,
            "notes": "Po udarze, mieszka sam.",
        },
        "route": [("casework", "Mieszka sam po udarze; potrzebna ocena sytuacji w domu.")],
    },
    {
        "full_name": "Olena Kovalenko",
        "document_number": "FE1234567",
        "birth_date": "1990-06-11",
        "address": {"street": "ul. Zamieniecka 40/2", "postal_code": "04-158", "city": "Warszawa"},
        "contact": "olena@example.org",
        "household": [],
        "talk": {
            "reasons_for_help": ["trudnosci_w_integracji_cudzoziemcow"],
            "help_requested": ["poradnictwo_specjalistyczne"],
            "urgent": False,
            "notes": "",
        },
        "route": [("casework", "Pomoc w integracji i poradnictwo.")],
    },
]


def _fresh_broker() -> LocalDeployment:
    """The deployment's broker definitions in a vhost of the demo's own, its accounts named after it."""
    broker = LocalDeployment(VHOST, {a: secrets.token_urlsafe(16) for a in (*SERVICES, OPERATOR)},
                             Accounts(f"{VHOST}."))
    broker.remove()  # what an earlier demo left
    return broker.load()


class Desk:
    """The demo's people, each signed in at the gateway with their own account."""

    def __init__(self, gateway: str):
        self.gateway = gateway
        self._clients: dict[str, StaffClient] = {}

    def __call__(self, login: str) -> StaffClient:
        if login not in self._clients:
            self._clients[login] = StaffClient(self.gateway, login)
        return self._clients[login]


def _do(response) -> dict:
    payload = response.json()
    if response.status_code >= 400:
        raise SystemExit(f"refused: {payload}")
    return payload


def _wait(ask, enough, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = ask()
        if response.ok and enough(response.json()):
            return response.json()
        time.sleep(0.2)
    raise SystemExit("timed out waiting for the services")


def social_work(people: Desk, anna_case: str) -> None:
    print("\n== The social-work method for Anna (casework), as Tomasz Nowicki, social worker ==")
    leader, worker = people("e.lis"), people("t.nowicki")

    def step(name, body, asking=worker):
        return _do(asking.post("casework", f"/cases/{anna_case}/{name}", body))

    _wait(lambda: leader.post("casework", f"/cases/{anna_case}/assignment",
                              {"worker": "Tomasz Nowicki", "on": "2026-11-03"}), lambda _: True)
    load = _do(leader.get("casework", "/workload"))
    print("  assigned by the team leader Ewa Lis to Tomasz Nowicki; workload (art. 110 ust. 11): "
          + ", ".join(f"{w} {v['cases']}/{v['limit']}" for w, v in load.items()))
    step("diagnosis", {"areas": {"work": "bez pracy od sierpnia", "parenting": "trudności wychowawcze"},
                       "strengths": "zaradna, zmotywowana", "resources": "wsparcie matki",
                       "recorded_on": "2026-11-05", "with_person": True})
    goal = step("goals", {"description": "podjęcie zatrudnienia", "target_date": "2027-03-31"})["goal_id"]
    step("plan", {"action": "rejestracja w urzędzie pracy", "who": "Anna Nowak", "by_when": "2026-11-20",
                  "goal_id": goal})
    print("  diagnosis with Anna (work, parenting), goal: podjęcie zatrudnienia, plan of cooperation")
    ref = step("contracts", {"person_obligations": ["udział w warsztatach"], "worker_obligations": ["pomoc w CV"],
                             "goal_ids": [goal], "valid_from": "2026-11-10", "valid_to": "2027-03-31"})["contract_ref"]
    step("contract-step", {"contract_ref": ref, "step": "sign", "on": "2026-11-10"})
    print(f"  cooperation contract {ref} signed 2026-11-10 (published: the fact and the date only)")
    step("evaluations", {"on": "2027-02-10", "final": False, "summary": "chodzi na warsztaty",
                         "progress": {goal: "in_progress"}})
    step("contract-step", {"contract_ref": ref, "step": "fulfil", "on": "2027-03-20"})
    step("evaluations", {"on": "2027-03-25", "final": True, "summary": "podjęła pracę",
                         "progress": {goal: "achieved"}})
    step("closure", {"outcome": "goals_achieved", "reason": "zatrudnienie od marca", "closed_on": "2027-03-31"})
    print("  evaluated in February, contract fulfilled, final evaluation: goal achieved; case closed")
    for login in ("b.wojcik", "a.mazur", "a.dabrowska"):
        refused = people(login).get("casework", f"/cases/{anna_case}").json()
        print(f"  {login} asking for Anna's file is refused: {refused['error']}")


def care_for(people: Desk, jan_case: str) -> None:
    print("\n== Care services for Jan (casework asks, care grants, the signatory signs) ==")
    leader, worker = people("e.lis"), people("a.mazur")
    coordinator, signatory = people("j.wrona"), people("m.kowalczyk")
    _wait(lambda: leader.post("casework", f"/cases/{jan_case}/assignment",
                              {"worker": "Agata Mazur", "on": "2026-11-03"}), lambda _: True)
    _do(worker.post("casework", f"/cases/{jan_case}/service-requests",
                    {"kind": "uslugi_opiekuncze", "urgent": True, "need": "po udarze, nie przygotuje posiłków",
                     "requested_on": "2026-11-04"}))
    print("  Agata Mazur (social worker) asks the care team for usługi opiekuńcze; the need stays in casework")
    [service] = _wait(lambda: coordinator.get("care", "/services"),
                      lambda found: len(found["services"]) == 1)["services"]  # a page of them
    step = f"/services/{service['service_id']}"
    _do(coordinator.post("care", f"{step}/assessment", {
        "assessed_on": "2026-11-05", "kind": "uslugi_opiekuncze", "activities": ["personal_care", "meals", "shopping"],
        "hours_per_week": 6, "period_from": "2026-11-09", "period_to": "2027-04-30"}))
    _do(coordinator.post("care", f"{step}/income", {"members": 1, "monthly_income": "1850.00",
                                                    "stated_on": "2026-11-05"}))
    grant = _do(signatory.post("care", f"{step}/decision", {"issued_on": "2026-11-06"}))["grant"]
    print(f"  assessed by Joanna Wrona: 6 h a week; income {grant['income_percent']}% of the criterion -> fee "
          f"{grant['fee_percent']}% of {grant['hourly_cost']} zł = {grant['fee_per_hour']} zł an hour; "
          f"signed by {grant['signed_by']} z upoważnienia {grant['on_authority_of']}")
    carer = _do(coordinator.post("care", "/carers", {"name": "Halina Kot", "employer": "staff"}))["carer_id"]
    _do(coordinator.post("care", f"{step}/roster", {
        "carer_id": carer, "visits": [{"weekday": d, "hours": 2} for d in ("mon", "wed", "fri")]}))
    for day, activities in (("09", ["personal_care", "meals"]), ("13", ["shopping", "meals"]),
                            ("16", ["personal_care"]), ("18", ["meals"]), ("20", ["personal_care", "shopping"])):
        _do(coordinator.post("care", f"{step}/visits", {"carer_id": carer, "on": f"2026-11-{day}", "hours": 2,
                                                        "activities": activities}))
    _do(coordinator.post("care", f"{step}/missed-visits", {"carer_id": carer, "on": "2026-11-11",
                                                           "reason": "Święto Niepodległości"}))
    s = _do(coordinator.get("care", f"{step}/statements/2026-11"))
    print(f"  roster Mon/Wed/Fri 2 h with Halina Kot; November: {s['ordered_hours']} h ordered, "
          f"{s['delivered_hours']} h delivered, 1 missed; fee statement {s['amount']} zł")
    case = _wait(lambda: worker.get("casework", f"/cases/{jan_case}"),
                 lambda c: c["service_requests"] and c["service_requests"][0].get("care_status"))
    print(f"  Jan's case in casework shows the service: {case['service_requests'][0]['care_status']} "
          f"on {case['service_requests'][0]['started_on']}")


def staff_report(people: Desk) -> None:
    print("\n== Staff: registry, training, supervision, and the report (training), as Irena Sowa ==")
    officer = people("i.sowa")
    ids = {}
    for name, team, role, fte in (("Ewa Lis", "casework", "team_leader", "1"),
                                  ("Tomasz Nowicki", "casework", "social_worker", "1"),
                                  ("Agata Mazur", "casework", "social_worker", "0.75"),
                                  ("B. Wójcik", "decisions", "benefit_officer", "1"),
                                  ("K. Zielińska", "intake", "first_contact_officer", "1"),
                                  ("Halina Kot", "care", "carer", "1")):
        ids[name] = _do(officer.post("training", "/employees", {
            "name": name, "team": team, "role": role, "fte": fte, "joined_on": "2026-01-02"}))["employee_id"]
    _do(officer.post("training", f"/employees/{ids['Tomasz Nowicki']}/specialisation",
                     {"degree": "I", "obtained_on": "2026-06-20"}))
    course = _do(officer.post("training", "/trainings", {
        "title": "Kontrakt socjalny w praktyce", "topic": "praca socjalna", "provider": "ROPS", "hours": 12,
        "days": ["2026-11-16", "2026-11-17"], "place": "Warszawa"}))["training_id"]
    for name in ("Tomasz Nowicki", "Agata Mazur"):
        step = f"/trainings/{course}"
        _do(officer.post("training", f"{step}/enrolment", {"employee_id": ids[name]}))
        for day in ("2026-11-16", "2026-11-17"):
            _do(officer.post("training", f"{step}/attendance", {"employee_id": ids[name], "day": day}))
        _do(officer.post("training", f"{step}/completion", {"employee_id": ids[name],
                                                           "certificate": f"ROPS/2026/{name[:1]}"}))
    _do(officer.post("training", "/supervision", {
        "team": "casework", "kind": "group", "held_on": "2026-11-19", "supervisor": "dr Jan Superwizor",
        "participants": [ids["Tomasz Nowicki"], ids["Agata Mazur"], ids["Ewa Lis"]]}))
    print("  6 staff registered; 2 social workers trained (12 h each); casework had group supervision")
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    report = _wait(lambda: officer.get("training", "/report", params=period),
                   lambda r: sum(r["workload"]["families_per_social_worker"].values()) >= 1
                   and r["workload"]["decisions_per_officer"] and r["workload"]["care_hours_per_carer"])
    from services.training.report import render_html, render_table

    print("  " + render_table(report).replace("\n", "\n  "))
    page = DATA_DIR / "staff-report.html"
    page.write_text(render_html(report), encoding="utf-8")
    print(f"  the printable report with its workload chart: {page}")
    director = _do(people("a.dabrowska").get("training", "/report", params=period))
    print(f"  the director (Anna Dąbrowska) gets the {director['view']}: figures, no names")


def decide(people: Desk) -> None:
    print("\n== Benefit decisions (decisions), fed over RabbitMQ: B. Wójcik drafts, Maria Kowalczyk signs ==")
    officer, signatory = people("b.wojcik"), people("m.kowalczyk")
    [p] = _wait(lambda: officer.get("decisions", "/proceedings"),
                lambda found: len(found["proceedings"]) == 1)["proceedings"]
    step = f"/proceedings/{p['proceeding_id']}"
    print(f"  proceeding opened: {p['person']['full_name']}, {p['benefit']}, applied {p['applied_on']}; "
          f"interview due {p['interview_due']}, decision due {p['settlement_due']} (KPA art. 35)")
    draft = {"outcome": "grant", "legal_basis": "art. 38 u.p.s.", "amount": "900.00", "period_from": "2026-12-01",
             "period_to": "2027-05-31", "payment_method": "bank_transfer", "justification": "", "on": "2026-11-05"}
    early = officer.post("decisions", f"{step}/draft", {**draft, "on": TODAY}).json()
    print(f"  a draft before the interview is refused: {early['error']}")
    _do(officer.post("decisions", f"{step}/officer", {"officer": "B. Wójcik"}))
    _do(officer.post("decisions", f"{step}/interview", {
        "held_on": "2026-11-04", "household": [{"name": "Anna Nowak", "relation": "wnioskodawca"},
                                               {"name": "Zofia Nowak", "relation": "córka"}],
        "incomes": [{"member": "Anna Nowak", "source": "alimenty", "amount": "500.00"}]}))
    _do(officer.post("decisions", f"{step}/assessment", {}))
    fixed = _do(officer.post("decisions", f"{step}/corrections/income", {
        "entry": 1, "source": "swiadczenia_rodzinne", "reason": "decyzja o świadczeniach rodzinnych",
        "corrected_on": "2026-11-04"}))["corrections"][-1]
    outdated = officer.post("decisions", f"{step}/draft", draft).json()
    print(f"  income 1 corrected by {fixed['corrected_by']} ({fixed['old']['source']} -> {fixed['new']['source']}, "
          f"why: {fixed['reason']}); a draft on the earlier assessment is refused: {outdated['error']}")
    a = _do(officer.post("decisions", f"{step}/assessment", {}))["assessment"]
    print(f"  interview 2026-11-04; assessed again on the application date: household of {a['members']}, "
          f"income {a['income']} zł, criterion {a['criterion']} zł, eligible: {a['eligible']}, "
          f"zasiłek okresowy {a['min_amount']}–{a['max_amount']} zł a month")
    unsigned = officer.post("decisions", f"{step}/signature", {"on": "2026-11-05"}).json()
    print(f"  the benefit officer drafts, and cannot sign: {unsigned['error']}")
    drafted = _do(officer.post("decisions", f"{step}/draft", draft))["draft"]
    [waiting] = _do(signatory.get("decisions", "/drafts"))["drafts"]
    print(f"  draft by {drafted['drafted_by']} on {drafted['drafted_on']} awaits the signature "
          f"({waiting['person']['full_name']}, {waiting['draft']['amount']} zł)")
    decision = _do(signatory.post("decisions", f"{step}/signature", {"on": "2026-11-05"}))["decision"]
    d = _do(officer.post("decisions", f"{step}/delivery", {"delivered_on": "2026-11-06"}))
    print(f"  decision issued {decision['issued_on']} as drafted: grant, {decision['amount']} zł a month, "
          f"2026-12 to 2027-05, signed by {decision['signed_by']} z upoważnienia {decision['on_authority_of']}")
    print(f"  delivered {d['delivered_on']}; appeal to SKO possible until {d['appeal_deadline']}")
    final = _do(officer.post("decisions", f"{step}/finality", {"today": "2026-11-21"}))
    payments = _do(officer.get("decisions", f"{step}/payments", params={"until": "2027-12-31"}))
    print(f"  not appealed: final on {final['final_on']}; payment schedule: "
          f"{', '.join(e['month'] for e in payments)} ({payments[0]['amount']} zł, {payments[0]['method']})")


def audit(people: Desk, person_id: str) -> None:
    print("\n== Who read Anna's file (the auditor, Piotr Lewandowski) ==")
    auditor = people("p.lewandowski")
    for service in ("intake", "casework", "decisions"):
        reads = _do(auditor.get(service, "/access-log", params={"person_id": person_id}))["reads"]
        print(f"  {service:<9} " + ("; ".join(f"{r['read_at'][:19]} {r['staff_name']} ({r['what']})"
                                             for r in reads[:4]) or "no reads") + (" …" if len(reads) > 4 else ""))


def play(people: Desk) -> dict[str, str]:
    print("\n== First contact (intake), as K. Zielińska ==")
    desk = people("k.zielinska")
    routed_to_casework = 0
    ids = {}
    for person in PEOPLE:
        identity = {k: v for k, v in person.items() if k not in ("talk", "route") and v is not None}  # no null fields
        registered = _do(desk.post("intake", "/persons", {**identity, "registered_on": TODAY}))
        ids[person["full_name"]] = registered["person_id"]
        talk = _do(desk.post("intake", f"/persons/{registered['person_id']}/first-contacts",
                             {**person["talk"], "held_on": TODAY}))
        print(f"  registered {person['full_name']:<18} first-contact talk recorded"
              f"{' (URGENT)' if person['talk']['urgent'] else ''}")
        for team, reason in person["route"]:
            _do(desk.post("intake", f"/first-contacts/{talk['contact_id']}/routings",
                          {"team": team, "reason": reason, "routed_on": TODAY}))
            print(f"      routed to {team:<9} {reason}")
            routed_to_casework += team == "casework"

    again = _do(desk.post("intake", "/persons", {**{k: PEOPLE[0][k] for k in ("full_name", "pesel")},
                                                 "registered_on": TODAY}))
    print(f"  {PEOPLE[0]['full_name']} comes back: same PESEL, "
          f"{'a new record' if again['new'] else 'the existing record is found'}")
    refused = desk.post("intake", "/persons", {"full_name": "Piotr Zły", "pesel": "85071512349",
                                               "registered_on": TODAY}).json()
    print(f"  a mistyped PESEL is refused: {refused['error']}: {refused['message']}")

    print("\n== Social work (casework), fed over RabbitMQ: the team leader's queue ==")
    cases = _wait(lambda: people("e.lis").get("casework", "/cases/open"),
                  lambda found: len(found["cases"]) >= routed_to_casework)["cases"]
    print(f"  {len(cases)} case(s) waiting for a social worker (urgent first):")
    for case in cases:
        print(f"    {'URGENT ' if case['urgent'] else '       '}{case['full_name']:<18} opened {case['opened_on']}")
    return {"Anna Nowak person": ids["Anna Nowak"], **{c["full_name"]: c["case_id"] for c in cases}}


def main() -> int:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    processes = start_all(_fresh_broker(), DATA_DIR)
    try:
        for process in processes:
            print(f"started {process.service:<9} pid {process.process.pid}, {process.url}, "
                  f"store {DATA_DIR / (process.service + '.sqlite')}")
        gateway = next(p.url for p in processes if p.service == "gateway")
        print(f"\neveryone signs in at the gateway, {gateway}/sign-in; the services answer nothing else.")
        print(sign_in_help())
        people = Desk(gateway)
        cases = play(people)
        social_work(people, cases["Anna Nowak"])
        care_for(people, cases["Jan Wiśniewski"])
        decide(people)
        staff_report(people)
        audit(people, cases["Anna Nowak person"])
        print("\n== Health ==")
        for process in processes:
            print(f"  {process.service:<9} {process.health()}")
    finally:
        for process in processes:
            process.stop()
        print(f"\nservices stopped; logs in {DATA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
