"""Training's workload figures come from real events over RabbitMQ: stand-ins for casework,
decisions and care publish their real contracts through their outboxes and real relays and
serve their logs; training's real application consumes them with a real ordered consumer,
each with its own account of the deployment's broker definitions."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from eventsourcing.domain import Aggregate, event

from services.training.application import TrainingApplication
from shared.broker import BrokerSettings
from shared.consumer import OrderedConsumer
from shared.contracts import Contract
from shared.contracts.care import CARE_HOURS_DELIVERED
from shared.contracts.casework import CASE_CLOSED, WORKER_ASSIGNED
from shared.contracts.decisions import DECISION_BY_OFFICER
from shared.log_reading import BrokerUpstreamLog, LogServer
from shared.relay import OutboxRelay
from shared.store import ServiceApplication
from tests.support.waiting import wait_for


class Entry(Aggregate):
    """A private domain event beside each published one: training sees gaps in the ids."""

    @event("Written")
    def __init__(self, note: str):
        self.note = note


class StandIn(ServiceApplication):
    def publish(self, contract: Contract, **data) -> None:
        self.save(Entry(contract.name), self.integration_event(contract, data))

    def last_for_training(self) -> int:
        envelopes, _ = self.log_for("training", after=0, limit=500)
        return envelopes[-1].notification_id


class CaseworkDesk(StandIn):
    service = "casework"


class DecisionsDesk(StandIn):
    service = "decisions"


class CareDesk(StandIn):
    service = "care"


@pytest.fixture
def apps(make_database_url):
    made = {
        "casework": CaseworkDesk(make_database_url("casework")),
        "decisions": DecisionsDesk(make_database_url("decisions")),
        "care": CareDesk(make_database_url("care")),
        "training": TrainingApplication(make_database_url("training"), population=9000),
    }
    yield made
    for app in made.values():
        app.close()


def test_workload_figures_are_what_casework_decisions_and_care_published_over_rabbitmq(apps, broker, running):
    casework, decisions, care, training = apps["casework"], apps["decisions"], apps["care"], apps["training"]
    for name, team, role in (("Tomasz Nowicki", "casework", "social_worker"),
                             ("Agata Mazur", "casework", "social_worker"),
                             ("B. Wójcik", "decisions", "benefit_officer"),
                             ("Halina Kot", "care", "carer")):
        training.register_employee(name=name, team=team, role=role, fte="1", joined_on="2026-01-01")

    def account(service: str) -> BrokerSettings:
        return BrokerSettings(broker.uri(service), broker.accounts)

    for producer in (casework, decisions, care):
        running(LogServer(producer, account(producer.service)))
    consumers = [running(OrderedConsumer(training, account("training"), upstream,
                                         BrokerUpstreamLog(account("training"), "training", timeout=5),
                                         retry_delay=0.01, max_backoff=0.5))
                 for upstream in ("casework", "decisions", "care")]
    wait_for(lambda: all(c.connected for c in consumers), what="training's consumers connected")
    for producer in (casework, decisions, care):
        running(OutboxRelay(producer, account(producer.service)))

    cases = [str(uuid.uuid4()) for _ in range(5)]
    for case_id, worker, on in ((cases[0], "Tomasz Nowicki", "2026-03-02"),
                                (cases[1], "Tomasz Nowicki", "2026-03-03"),
                                (cases[2], "Tomasz Nowicki", "2026-03-05"),
                                (cases[3], "Agata Mazur", "2026-03-06"),
                                (cases[4], "Agata Mazur", "2026-03-09")):
        casework.publish(WORKER_ASSIGNED, worker=worker, case_id=case_id, assigned_on=on)
    casework.publish(CASE_CLOSED, worker="Tomasz Nowicki", case_id=cases[1], closed_on="2026-03-20",
                     outcome="goals_achieved")
    casework.publish(CASE_CLOSED, worker="Agata Mazur", case_id=cases[3], closed_on="2026-03-25",
                     outcome="goals_partly_achieved")
    for officer, on in (("B. Wójcik", "2026-03-04"), ("B. Wójcik", "2026-03-11"), ("B. Wójcik", "2026-03-30"),
                        ("Olga Sikora", "2026-03-12"),
                        ("B. Wójcik", "2026-04-02")):  # after the period: not counted in it
        decisions.publish(DECISION_BY_OFFICER, officer=officer, proceeding_id=str(uuid.uuid4()), issued_on=on)
    for carer, hours, on in (("Halina Kot", 2.5, "2026-03-02"), ("Halina Kot", 4, "2026-03-03"),
                             ("Jan Ryba", 3, "2026-03-10"),
                             ("Halina Kot", 8, "2026-02-27")):  # before the period: not counted in it
        care.publish(CARE_HOURS_DELIVERED, carer=carer, hours=hours, delivered_on=on, kind="uslugi_opiekuncze")

    for name, producer in (("casework", casework), ("decisions", decisions), ("care", care)):
        last = producer.last_for_training()
        wait_for(lambda: training.position(name) >= last, what=f"training caught up with {name}")
    assert sum(c.dead_lettered for c in consumers) == 0

    report = training.report(date(2026, 3, 1), date(2026, 3, 31))
    workload = report["workload"]
    # Tomasz: 3 assigned, 1 closed; Agata: 2 assigned, 1 closed.
    assert workload["families_per_social_worker"] == {"Agata Mazur": 1, "Tomasz Nowicki": 2}
    assert training.open_cases_per_worker(date(2026, 3, 19)) == {"Agata Mazur": 2, "Tomasz Nowicki": 3}
    assert report["centre"]["families_in_social_work"] == 3
    assert workload["decisions_per_officer"] == {"B. Wójcik": Decimal(3), "Olga Sikora": Decimal(1)}
    assert report["centre"]["decisions_issued"] == 4
    assert workload["care_hours_per_carer"] == {"Halina Kot": Decimal("6.5"), "Jan Ryba": Decimal(3)}
    assert report["centre"]["care_hours"] == Decimal("9.5")
    by_team = workload["by_team"]
    assert (by_team["casework"]["families"], by_team["decisions"]["decisions_issued"],
            by_team["care"]["care_hours"]) == (3, 3, Decimal("6.5"))
    assert workload["not_matched_to_staff"] == ["Jan Ryba", "Olga Sikora"]
    # The events outside the period count in their own periods.
    april = training.report(date(2026, 4, 1), date(2026, 4, 30))["workload"]
    assert april["decisions_per_officer"] == {"B. Wójcik": Decimal(1)}
    february = training.report(date(2026, 2, 1), date(2026, 2, 28))["workload"]
    assert february["care_hours_per_carer"] == {"Halina Kot": Decimal(8)}
