"""The deployment's broker permissions, applied to the real broker: a team can read only
the events addressed to it, and publish only its own."""

import json
import subprocess
import uuid
from urllib.parse import urlsplit

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue

from deploy.broker import definitions, password_hash, permissions, topic_permissions
from shared.consumer import queue_name
from shared.contracts.intake import CASE_ROUTED, CLIENT_REGISTERED


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def service_user(amqp_uri):
    """Makes a broker user with a service's deployment permissions on the test vhost."""
    vhost = urlsplit(amqp_uri).path.lstrip("/")
    made = []

    def make(service: str) -> str:
        user, password = f"{service}-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        rabbitmqctl("add_user", user, password)
        made.append(user)
        p = permissions(service)
        rabbitmqctl("set_permissions", "-p", vhost, user, p["configure"], p["write"], p["read"])
        for t in topic_permissions(service):
            rabbitmqctl("set_topic_permissions", "-p", vhost, user, t["exchange"], t["write"], t["read"])
        return f"pyamqp://{user}:{password}@127.0.0.1:5672/{vhost}"

    yield make
    for user in made:
        rabbitmqctl("delete_user", user)


def test_casework_can_bind_only_to_cases_routed_to_social_work(service_user, amqp_uri):
    with Connection(amqp_uri) as admin:
        Exchange("intake.events", type="topic", durable=True)(admin).declare()
    exchange = Exchange("intake.events", type="topic", durable=True)
    with Connection(service_user("casework")) as casework:
        queue = Queue(queue_name("casework", "intake"), durable=True,
                      queue_arguments={"x-single-active-consumer": True})
        queue(casework).declare()
        queue(casework).bind_to(exchange, routing_key=CASE_ROUTED["casework"].type)
        for other in (CASE_ROUTED["decisions"].type, CASE_ROUTED["care"].type, "#"):
            with pytest.raises(AccessRefused):
                queue(casework.channel()).bind_to(exchange, routing_key=other)
        with pytest.raises(AccessRefused):  # and it cannot pretend to be intake
            casework.Producer(casework.channel()).publish(b"{}", exchange=exchange,
                                                          routing_key=CASE_ROUTED["casework"].type)
            casework.drain_events(timeout=1)


def test_intake_publishes_only_its_own_event_types(service_user):
    with Connection(service_user("intake")) as intake:
        exchange = Exchange("intake.events", type="topic", durable=True)
        exchange(intake).declare()
        producer = intake.Producer(exchange=exchange)
        producer.publish(b"{}", routing_key=CLIENT_REGISTERED.type)
        with pytest.raises(AccessRefused):
            intake.Producer(exchange=exchange).publish(b"{}", routing_key="pl.ops.decisions.DecisionIssued.v1")
            intake.drain_events(timeout=1)


def test_definitions_carry_hashed_passwords_and_the_same_permissions():
    doc = definitions({"intake": "a", "casework": "b", "decisions": "d", "care": "e", "training": "f",
                       "operator": "c"})
    assert "\"a\"" not in json.dumps(doc)
    assert {p["user"] for p in doc["permissions"]} == {"intake", "casework", "decisions", "care", "training",
                                                       "operator"}
    assert [t for t in doc["topic_permissions"] if t["user"] == "casework"] == [
        {"user": "casework", "vhost": "ops", **t} for t in topic_permissions("casework")]
    assert {q["name"] for q in doc["queues"]} == {
        f"{consumer}.{upstream}-events{suffix}" for consumer, upstream in
        (("casework", "intake"), ("casework", "care"), ("decisions", "intake"), ("decisions", "casework"),
         ("care", "intake"), ("care", "casework"), ("training", "casework"), ("training", "decisions"),
         ("training", "care")) for suffix in ("", ".dead-letter")}


def test_password_hash_is_rabbitmqs_salted_sha256():
    # Salt 908D C60A and password "test12" give RabbitMQ's documented example hash.
    assert password_hash("test12", bytes.fromhex("908DC60A")) == "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR"


def test_decisions_reads_only_its_routed_applications_and_art_11_facts(service_user, amqp_uri):
    from shared.contracts.casework import CONTRACT_REFUSED

    with Connection(amqp_uri) as admin:
        for producer in ("intake", "casework"):
            Exchange(f"{producer}.events", type="topic", durable=True)(admin).declare()
    with Connection(service_user("decisions")) as decisions:
        queue = Queue(queue_name("decisions", "intake"), durable=True,
                      queue_arguments={"x-single-active-consumer": True})
        queue(decisions).declare()
        queue(decisions).bind_to(Exchange("intake.events", type="topic"), routing_key=CASE_ROUTED["decisions"].type)
        with pytest.raises(AccessRefused):
            queue(decisions.channel()).bind_to(Exchange("intake.events", type="topic"),
                                               routing_key=CASE_ROUTED["casework"].type)
        facts = Queue(queue_name("decisions", "casework"), durable=True,
                      queue_arguments={"x-single-active-consumer": True})
        facts(decisions.channel()).declare()
        facts(decisions.channel()).bind_to(Exchange("casework.events", type="topic"),
                                           routing_key=CONTRACT_REFUSED.type)
