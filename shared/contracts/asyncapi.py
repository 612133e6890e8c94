"""The integration events as an AsyncAPI 3.0 document, generated from the contracts registry
(`python -m shared.contracts --asyncapi`), for a developer of a consumer, a UI or an integration.

What it says is what the code does (docs/architecture.md, "Event flow"): one topic exchange per
producing service (`<service>.events`, a channel), routing key = the event's type; each message is
a CloudEvents 1.0 event in structured mode whose `data` the contract's own JSON schema describes
(the message's payload is that schema, unchanged); each team that a contract names receives it on
its own queue (`<team>.<producer>-events`), one receive operation per team and producer. A message
is the current version of its contract; its earlier versions are listed, and a consumer reads them
as the current one."""

from __future__ import annotations

from typing import Any, Iterable

from shared.broker import events_exchange, queue_name
from shared.contracts import Contract
from shared.envelope import CONTENT_TYPE, source_of

ASYNCAPI_VERSION = "3.0.0"
AMQP_BINDING = "0.3.0"


def asyncapi_document(contracts: Iterable[Contract]) -> dict[str, Any]:
    contracts = sorted(contracts, key=lambda c: c.type)
    producers = sorted({c.producer for c in contracts})
    channels, operations = {}, {}
    for producer in producers:
        name = events_exchange(producer).name
        produced = [c for c in contracts if c.producer == producer]
        channels[name] = {
            "address": name,
            "title": f"{producer}'s integration events",
            "description": f"The topic exchange {producer} publishes to (its relay, from its store's outbox); "
                           "the routing key is the event's type, bound by the operator to the queues of the "
                           "teams each contract names.",
            "messages": {c.type: {"$ref": f"#/components/messages/{c.type}"} for c in produced},
            "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": name, "type": "topic", "durable": True,
                                                                  "autoDelete": False},
                                  "bindingVersion": AMQP_BINDING}},
        }
        operations[f"{producer}.publish"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"{producer} publishes its stored integration events, in notification order",
            "messages": [{"$ref": f"#/channels/{name}/messages/{c.type}"} for c in produced],
        }
        for consumer in sorted({team for c in produced for team in c.consumers}):
            operations[f"{consumer}.receive.{producer}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{name}"},
                "summary": f"{consumer} receives what {producer}'s contracts name it for, on its queue "
                           f"{queue_name(consumer, producer)}",
                "messages": [{"$ref": f"#/channels/{name}/messages/{c.type}"} for c in produced
                             if consumer in c.consumers],
                "x-queue": queue_name(consumer, producer),
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "OPS integration events",
            "version": "1",
            "description": "What crosses between the teams of the centre, generated from shared/contracts/. "
                           "Every message is a CloudEvents 1.0 event (structured mode) carrying the "
                           "`notificationid` extension, its position in the producer's log.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": {c.type: _message(c) for c in contracts}},
    }


def _message(contract: Contract) -> dict[str, Any]:
    return {
        "name": contract.name,
        "title": contract.type,
        "summary": contract.description,
        "contentType": CONTENT_TYPE,
        "payload": contract.schema,
        "bindings": {"amqp": {"messageType": contract.type, "bindingVersion": AMQP_BINDING}},
        "x-cloudevents": {"type": contract.type, "source": source_of(contract.producer),
                          "dataschema": contract.dataschema, "payload-is": "data"},
        "x-consumers": sorted(contract.consumers),  # none: UI clients and auditors only
        # Still routed, and read as this version (docs/architecture.md, "Upgrading a contract").
        "x-earlier-versions": list(contract.types[:-1]),
    }
