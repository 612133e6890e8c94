"""The AsyncAPI 3.0 document of the integration events (`python -m shared.contracts --asyncapi`) says
what the contracts registry says, and is valid against the specification's own JSON Schema (vendored:
see vendor/README.md; the official validators are JavaScript)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from shared.broker import events_exchange, queue_name
from shared.contracts import REGISTRY
from shared.contracts.__main__ import main

SPECIFICATION = json.loads((Path(__file__).parent / "vendor" / "asyncapi-3.0.0.schema.json").read_text())


def printed(capsys) -> dict:
    assert main(["--asyncapi"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_document_is_valid_asyncapi_3(capsys):
    document = printed(capsys)
    validator = jsonschema.Draft7Validator(SPECIFICATION)
    assert [e.message for e in validator.iter_errors(document)] == []
    # The validator does bite: an AsyncAPI 2 verb, a message without its payload's shape.
    wrong = json.loads(json.dumps(document))
    next(iter(wrong["operations"].values()))["action"] = "publish"
    next(iter(wrong["components"]["messages"].values()))["payload"] = {"type": 5}
    assert len(list(validator.iter_errors(wrong))) >= 2


def test_every_reference_in_the_document_resolves(capsys):
    document = printed(capsys)

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs({k: v for k, v in document.items() if k != "components"}))
    assert found
    for ref in found:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        assert isinstance(node, dict), ref


def test_every_contract_is_a_message_of_its_producer_s_channel_with_its_own_schema_and_receivers(capsys):
    document = printed(capsys)
    messages = document["components"]["messages"]
    assert set(messages) == {c.type for c in REGISTRY}
    for contract in REGISTRY:
        message = messages[contract.type]
        assert message["payload"] == contract.schema, contract.type
        assert message["x-consumers"] == sorted(contract.consumers), contract.type
        channel = document["channels"][events_exchange(contract.producer).name]
        assert channel["address"] == f"{contract.producer}.events"
        assert channel["messages"][contract.type] == {"$ref": f"#/components/messages/{contract.type}"}
        published = document["operations"][f"{contract.producer}.publish"]["messages"]
        assert {"$ref": f"#/channels/{contract.producer}.events/messages/{contract.type}"} in published
    receivers = {name: op for name, op in document["operations"].items() if op["action"] == "receive"}
    expected = {(team, c.producer) for c in REGISTRY for team in c.consumers}
    assert set(receivers) == {f"{team}.receive.{producer}" for team, producer in expected}
    for team, producer in expected:
        operation = receivers[f"{team}.receive.{producer}"]
        assert operation["x-queue"] == queue_name(team, producer)
        assert sorted(ref["$ref"].rsplit("/", 1)[1] for ref in operation["messages"]) == \
            sorted(c.type for c in REGISTRY.consumed_by(team, producer))


def test_an_upgraded_contract_is_documented_as_its_current_version_naming_the_earlier_ones(capsys):
    messages = printed(capsys)["components"]["messages"]
    assert "pl.ops.care.CareHoursDelivered.v1" not in messages
    current = messages["pl.ops.care.CareHoursDelivered.v2"]
    assert "kind" in current["payload"]["required"]
    assert current["x-earlier-versions"] == ["pl.ops.care.CareHoursDelivered.v1"]
    assert messages["pl.ops.intake.ClientRegistered.v1"]["x-earlier-versions"] == []
