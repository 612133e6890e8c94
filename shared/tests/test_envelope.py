import uuid
from datetime import datetime, timezone

import pytest

from shared.envelope import Envelope, MalformedEnvelope, parse, source_of


def _envelope(**overrides):
    fields = dict(
        id=str(uuid.uuid4()),
        source=source_of("intake"),
        type="pl.ops.intake.ClientRegistered.v1",
        time=datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc),
        subject="s",
        data={"person_id": str(uuid.uuid4()), "registered_on": "2026-11-02"},
        notification_id=3,
    )
    fields.update(overrides)
    return Envelope.checked(**fields)


def test_structured_cloudevent_round_trip():
    envelope = _envelope()
    body = envelope.to_bytes()
    assert b'"specversion": "1.0"' in body
    assert b'"dataschema": "urn:pl-ops:schema:pl.ops.intake.ClientRegistered.v1"' in body
    assert parse(body) == envelope
    assert Envelope.from_json(envelope.as_json()) == envelope


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b'{"specversion": "1.0", "id": "x", "source": "/pl/ops/intake", "type": "t"}'],
)
def test_what_is_not_our_cloudevent_is_named_malformed(body):
    with pytest.raises(MalformedEnvelope):
        parse(body)


def test_data_breaking_its_contract_is_malformed():
    body = _envelope().to_bytes().replace(b'"registered_on"', b'"income": 1, "registered_on"')
    with pytest.raises(MalformedEnvelope, match="Additional properties"):
        parse(body)


def test_an_event_claiming_another_producer_is_malformed():
    with pytest.raises(MalformedEnvelope, match="comes from intake"):
        _envelope(source=source_of("casework"))


def test_an_event_without_a_subject_is_a_valid_cloudevent_without_one():
    from shared.contracts.care import CARE_HOURS_DELIVERED

    envelope = _envelope(source=source_of("care"), type=CARE_HOURS_DELIVERED.type, subject="",
                         data={"carer": "Halina Kot", "hours": 2.5, "delivered_on": "2026-11-09"})
    body = envelope.to_bytes()
    assert b'"subject"' not in body
    assert parse(body) == envelope
