"""The broker definitions as a file: hashed passwords, every consumer's queues, the operator's account.
What the broker makes of them, tried as an attacker would, is in tests/security/."""

import json
import re

import pytest

from deploy.broker import SERVICES, UnknownQueueType, definitions, password_hash, topic_permissions
from shared.broker import Accounts


def test_definitions_carry_hashed_passwords_and_the_same_permissions():
    doc = definitions({"intake": "a", "casework": "b", "decisions": "d", "care": "e", "training": "f",
                       "gateway": "g", "operator": "c"})
    assert "\"a\"" not in json.dumps(doc)
    assert {p["user"] for p in doc["permissions"]} == {*SERVICES, "operator"}
    assert [t for t in doc["topic_permissions"] if t["user"] == "casework"] == [
        {"user": "casework", "vhost": "ops", **t} for t in topic_permissions("casework")]
    assert {q["name"] for q in doc["queues"] if q["name"].endswith("-events")} == {
        f"{consumer}.{upstream}-events" for consumer, upstream in
        (("casework", "intake"), ("casework", "care"), ("decisions", "intake"), ("decisions", "casework"),
         ("care", "intake"), ("care", "casework"), ("training", "casework"), ("training", "decisions"),
         ("training", "care"), ("casework", "gateway"))}
    assert [u["tags"] for u in doc["users"] if u["name"] == "operator"] == [["administrator"]]


def test_a_deployment_may_prefix_its_account_names():
    doc = definitions({a: "x" for a in (*SERVICES, "operator")}, vhost="v", accounts=Accounts("v."))
    assert {u["name"] for u in doc["users"]} == {f"v.{a}" for a in (*SERVICES, "operator")}
    assert {p["vhost"] for p in doc["permissions"]} == {"v"}


def test_password_hash_is_rabbitmqs_salted_sha256():
    # Salt 908D C60A and password "test12" give RabbitMQ's documented example hash.
    assert password_hash("test12", bytes.fromhex("908DC60A")) == "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR"


def test_every_version_of_an_upgraded_contract_is_routed_and_may_be_published_during_the_upgrade():
    """A producer not yet upgraded still publishes v1, and a queue may still hold it: the operator's
    definitions bind and permit every version a contract declares (docs/architecture.md,
    "Upgrading a contract")."""
    v1, v2 = "pl.ops.care.CareHoursDelivered.v1", "pl.ops.care.CareHoursDelivered.v2"
    doc = definitions({a: "x" for a in (*SERVICES, "operator")})
    assert {b["routing_key"] for b in doc["bindings"] if b["destination"] == "training.care-events"} >= {v1, v2}
    (care_events,) = [t for t in topic_permissions("care") if t["exchange"] == "care.events"]
    assert re.match(care_events["write"], v1) and re.match(care_events["write"], v2)
    assert not re.match(care_events["write"], "pl.ops.care.CareHoursDelivered.v3")


def test_a_cluster_s_queues_are_quorum_queues_and_keep_one_active_consumer():
    passwords = {a: "x" for a in (*SERVICES, "operator")}
    classic = definitions(passwords)["queues"]
    assert all("x-queue-type" not in q["arguments"] for q in classic)  # the broker's default: as before
    quorum = definitions(passwords, queue_type="quorum")["queues"]
    assert {q["name"] for q in quorum} == {q["name"] for q in classic}
    assert all(q["arguments"]["x-queue-type"] == "quorum" and q["durable"] and not q["auto_delete"] for q in quorum)
    assert [q["arguments"] for q in quorum if q["name"] == "training.care-events"] == [
        {"x-single-active-consumer": True, "x-queue-type": "quorum"}]
    with pytest.raises(UnknownQueueType, match="classic, quorum"):
        definitions(passwords, queue_type="mirrored")
