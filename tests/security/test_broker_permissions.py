"""Every service account against every exchange and queue of the deployment, on the real broker
with the deployment's own definitions: what the contracts do not allow, the broker refuses.

What each account may do is stated here from the contracts (who produces, who consumes, who
reads whose log), not read back from deploy/broker.py, and every resource of the loaded
topology is tried for configure, write and read.
"""

from __future__ import annotations

import uuid

import amqp
import pytest

from deploy.broker import SERVICES, definitions
from shared.broker import log_readers
from shared.contracts import REGISTRY
from shared.contracts.audience import audience, ui_contracts

REFUSED = (amqp.exceptions.AccessRefused, amqp.exceptions.NotAllowed, amqp.exceptions.PreconditionFailed,
           amqp.exceptions.ResourceLocked)


def topology_of(broker) -> tuple[list[dict], list[dict]]:
    doc = definitions(broker.passwords, broker.vhost, broker.accounts)
    return doc["exchanges"], doc["queues"]


def allowed_keys(service: str, exchange: str) -> list[str]:
    """Routing keys the contracts let a service publish with on an exchange (none: no writing)."""
    if exchange == f"{service}.events":
        return [c.type for c in REGISTRY.produced_by(service)]
    if exchange == f"{service}.dead-letters":
        return ["anything"]
    if exchange == f"{service}.log-replies":
        return [f"{reader}.amq.gen-x" for reader in log_readers(service)]
    if exchange.endswith(".log") and service in log_readers(exchange[:-len(".log")]):
        return [service]
    return []


def may_read(service: str, queue: str) -> bool:
    return queue in {f"{service}.{u}-events" for u in REGISTRY.upstreams_of(service)} | {
        f"{service}.log-requests.{reader}" for reader in log_readers(service)}


class Account:
    """One service's own connection to the broker, a fresh channel per attempt."""

    def __init__(self, broker, service: str):
        self.service = service
        self.userid = broker.accounts.of(service)
        self.connection = amqp.Connection(broker.host, userid=broker.accounts.of(service),
                                          password=broker.passwords[service], virtual_host=broker.vhost)
        self.connection.connect()

    def attempt(self, action) -> BaseException | None:
        channel = self.connection.channel()
        try:
            action(channel)
        except REFUSED as error:
            return error
        else:
            channel.close()
        return None

    def publish(self, exchange: str, routing_key: str) -> BaseException | None:
        def publish(channel):
            channel.confirm_select()
            channel.basic_publish_confirm(amqp.Message(b"probe", user_id=self.userid),
                                          exchange=exchange, routing_key=routing_key)

        return self.attempt(publish)

    def close(self):
        self.connection.close()


@pytest.fixture
def accounts(broker):
    made = {service: Account(broker, service) for service in SERVICES}
    yield made
    for account in made.values():
        account.close()


@pytest.mark.parametrize("service", SERVICES)
def test_each_account_writes_only_where_and_what_its_contracts_say(broker, accounts, service):
    account = accounts[service]
    exchanges, _ = topology_of(broker)
    for exchange in [e["name"] for e in exchanges]:
        keys = allowed_keys(service, exchange)
        if keys:
            assert account.publish(exchange, keys[0]) is None, f"{service} may publish on {exchange}"
            if exchange.endswith((".events", ".log", ".log-replies")):  # topic: only its own keys
                for key in ("#", "pl.ops.other.Forged.v1", "someone-else", "training.amq.gen-x"):
                    if key not in keys:
                        assert isinstance(account.publish(exchange, key), REFUSED), (service, exchange, key)
        else:
            assert isinstance(account.publish(exchange, "#"), REFUSED), f"{service} must not publish on {exchange}"
    # Nothing reaches a queue but through the operator's bindings: no default exchange.
    for queue in [q["name"] for q in topology_of(broker)[1]]:
        assert isinstance(account.publish("", queue), REFUSED), f"{service} wrote straight to {queue}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_account_reads_only_its_own_queues(broker, accounts, service):
    account = accounts[service]
    _, queues = topology_of(broker)
    for queue in [q["name"] for q in queues]:
        refused = account.attempt(lambda channel: channel.basic_get(queue))
        if may_read(service, queue):
            assert refused is None, f"{service} may read {queue}"
        else:
            assert isinstance(refused, REFUSED), f"{service} must not read {queue}"


@pytest.mark.parametrize("service", SERVICES)
def test_no_account_configures_anything_of_the_deployment(broker, accounts, service):
    account = accounts[service]
    exchanges, queues = topology_of(broker)
    for exchange in exchanges:
        name, kind = exchange["name"], exchange["type"]
        assert isinstance(account.attempt(lambda ch: ch.exchange_delete(name)), REFUSED), (service, name)
        assert isinstance(account.attempt(lambda ch: ch.exchange_declare(name, kind, durable=True, auto_delete=False)),
                          REFUSED), (service, name)
    for queue in queues:
        name, arguments = queue["name"], queue["arguments"]
        assert isinstance(account.attempt(lambda ch: ch.queue_delete(name)), REFUSED), (service, name)
        assert isinstance(account.attempt(lambda ch: ch.queue_purge(name)), REFUSED) or may_read(service, name)
        assert isinstance(account.attempt(
            lambda ch: ch.queue_declare(name, durable=True, auto_delete=False, arguments=arguments)), REFUSED)
    # nameko's RPC exchange and reply queues are not part of this system any more.
    assert isinstance(account.attempt(lambda ch: ch.exchange_declare("nameko-rpc", "topic", durable=True)), REFUSED)
    assert isinstance(account.attempt(lambda ch: ch.queue_declare("rpc.reply-snoop", durable=False)), REFUSED)


@pytest.mark.parametrize("service", SERVICES)
def test_an_account_binds_its_own_queue_only_to_what_is_addressed_to_it(broker, accounts, service):
    """Replies to its own log requests; for the gateway also the events some page may show."""
    account = accounts[service]
    channel = account.connection.channel()
    sources = [u for u in SERVICES if service in log_readers(u)]
    feeds = [u for u in SERVICES if u != service and ui_contracts(u)] if service == "gateway" else []
    if not sources and not feeds:
        assert isinstance(account.attempt(lambda ch: ch.queue_declare("", exclusive=True)), REFUSED)
        return
    queue = channel.queue_declare("", exclusive=True).queue
    exchanges, _ = topology_of(broker)
    for exchange in [e["name"] for e in exchanges]:
        for key in ("#", f"other.{queue}", *(f"{r}.{queue}" for r in SERVICES if r != service)):
            assert isinstance(account.attempt(lambda ch: ch.queue_bind(queue, exchange, routing_key=key)), REFUSED), (
                service, exchange, key)
    for upstream in sources:
        assert account.attempt(lambda ch: ch.queue_bind(queue, f"{upstream}.log-replies",
                                                         routing_key=f"{service}.{queue}")) is None
    for upstream in feeds:
        for contract in REGISTRY.produced_by(upstream):
            bound = account.attempt(lambda ch: ch.queue_bind(queue, f"{upstream}.events", routing_key=contract.type))
            assert (bound is None) == bool(audience(contract)), (upstream, contract.type)


def test_another_account_cannot_read_or_remove_a_reply_queue(broker, accounts):
    casework, training = accounts["casework"], accounts["training"]
    queue = casework.connection.channel().queue_declare("", exclusive=True).queue
    for action in (lambda ch: ch.basic_get(queue), lambda ch: ch.basic_consume(queue, callback=print),
                   lambda ch: ch.queue_delete(queue), lambda ch: ch.queue_purge(queue)):
        assert isinstance(training.attempt(action), REFUSED)


def test_an_account_cannot_sign_as_another(broker, accounts):
    casework = accounts["casework"]

    def as_intake(channel):
        channel.confirm_select()
        channel.basic_publish_confirm(amqp.Message(b"{}", user_id=broker.accounts.of("intake")),
                                      exchange="casework.events", routing_key="pl.ops.casework.ContractSigned.v1")

    assert isinstance(casework.attempt(as_intake), amqp.exceptions.PreconditionFailed)


def test_the_operator_s_account_alone_may_do_everything(broker):
    operator = Account(broker, "operator")
    try:
        name = f"ops-probe-{uuid.uuid4().hex[:6]}"
        assert operator.attempt(lambda ch: ch.queue_declare(name, durable=False, auto_delete=True)) is None
        assert operator.publish("", name) is None
    finally:
        operator.close()
