"""The centre on a three-node RabbitMQ cluster with quorum queues (docs/architecture.md, "A cluster
of brokers"): three nodes on this machine (their own names, ports, data and one Erlang cookie), the
deployment's definitions with `--queue-type quorum`, each service given all three nodes (failover
URIs). A node is killed mid-stream, the one every service was connected to and every queue's leader
was on: every case routed reaches casework exactly once. Then it comes back and rejoins."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from deploy.broker import QUORUM, SERVICES, LocalDeployment
from shared.broker import OPERATOR, Accounts
from tests.faults.test_faults import opened_in_store
from tests.support.centre import Centre, free_port
from tests.support.rabbit_node import RabbitNode
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


@pytest.fixture
def cluster():
    tag = uuid.uuid4().hex[:6]
    nodes = [RabbitNode(f"ops-cluster{n}-{tag}", amqp_port=free_port(), dist_port=free_port()) for n in range(3)]
    try:
        for node in nodes:
            node.start()
        for node in nodes[1:]:
            node.join(nodes[0])
        yield nodes
    finally:
        for node in nodes:
            node.remove()


def running_nodes(node: RabbitNode) -> list[str]:
    return json.loads(node.ctl("cluster_status", "--formatter", "json"))["running_nodes"]


def test_a_node_killed_mid_stream_loses_no_case_and_duplicates_none(cluster, make_database_url, tmp_path):
    first, *others = cluster
    broker = LocalDeployment("ops", {a: uuid.uuid4().hex for a in (*SERVICES, OPERATOR)}, Accounts(),
                             host=f"127.0.0.1:{first.amqp_port}", ctl=first.ctl_command, queue_type=QUORUM,
                             other_nodes=tuple(f"127.0.0.1:{n.amqp_port}" for n in others)).load()
    queues = [line.split("\t") for line in first.ctl("list_queues", "-p", "ops", "name", "type", "members",
                                                      "-s").splitlines()]
    assert queues and all(kind == "quorum" and members.count("@") == 3 for _, kind, members in queues)
    centre = Centre(broker=broker, data_dir=tmp_path / "var",
                    database_urls={s: make_database_url(s) for s in SERVICES})
    try:
        intake, casework = centre.start("intake"), centre.start("casework")
        total, desks, routed = 60, 3, []

        def first_contact_desk(desk: int):
            for i in range(desk, total, desks):
                routed.append(centre.first_contact_to_casework(f"Osoba {i:02}", 600 + i))

        threads = [threading.Thread(target=first_contact_desk, args=(desk,)) for desk in range(desks)]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(centre.open_cases()) >= 10, timeout=60, what="casework in mid-stream")
        routed_at_kill = len(routed)
        in_flight = routed_at_kill - len(centre.open_cases())
        killed_at = time.monotonic()
        first.kill()  # every service's connection and every queue's leader were on it
        wait_for(lambda: all(p.health()["status"] == "ok" for p in (intake, casework)), timeout=60,
                 what="intake and casework connected to the other nodes")
        reconnected = time.monotonic() - killed_at
        during_outage = len(routed) - routed_at_kill
        for thread in threads:
            thread.join()
        assert routed_at_kill < total, "the kill came after the last routing; nothing was mid-stream"
        wait_for(lambda: len(centre.open_cases()) == total, timeout=120, what="every case on two nodes")
        caught_up = time.monotonic() - killed_at
        print(f"\ncluster: the node died with {routed_at_kill} of {total} cases routed, {in_flight} of them not yet "
              f"opened; {during_outage} routed before the services had reconnected, in {reconnected:.1f} s; all "
              f"{total} opened {caught_up:.1f} s after the kill")

        first.start()  # the node comes back with its data and rejoins
        wait_for(lambda: len(running_nodes(others[0])) == 3, timeout=60, what="the node back in the cluster")
        more = [centre.first_contact_to_casework(f"Po powrocie {i}", 700 + i) for i in range(5)]
        wait_for(lambda: len(centre.open_cases()) == total + 5, timeout=60, what="cases after the node rejoined")
        casework.stop()
        assert sorted(opened_in_store(centre)) == sorted(routed + more)  # each once: none lost, none twice
    finally:
        centre.stop()
