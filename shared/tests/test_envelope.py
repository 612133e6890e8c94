import json
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
                         data={"carer": "Halina Kot", "hours": 2.5, "delivered_on": "2026-11-09",
                               "kind": "uslugi_opiekuncze"})
    body = envelope.to_bytes()
    assert b'"subject"' not in body
    assert parse(body) == envelope


def test_an_event_sent_as_an_earlier_version_is_read_as_the_current_one():
    """A message queued before its contract's upgrade (or a producer not yet upgraded) says v1."""
    from shared.contracts.care import CARE_HOURS_DELIVERED

    v1 = {"carer": "Halina Kot", "hours": 2.5, "delivered_on": "2026-11-09"}
    body = (b'{"specversion": "1.0", "id": "e1", "source": "/pl/ops/care", '
            b'"type": "pl.ops.care.CareHoursDelivered.v1", '
            b'"time": "2026-11-09T09:30:00+00:00", "datacontenttype": "application/json", "notificationid": 7, '
            b'"data": ' + json.dumps(v1).encode() + b'}')
    envelope = parse(body)
    assert (envelope.type, envelope.notification_id, envelope.id) == (CARE_HOURS_DELIVERED.type, 7, "e1")
    assert envelope.data == {**v1, "kind": None}
    assert b'"dataschema": "urn:pl-ops:schema:pl.ops.care.CareHoursDelivered.v2"' in envelope.to_bytes()
    with pytest.raises(MalformedEnvelope, match="CareHoursDelivered.v1"):  # v2's field in a v1 event
        parse(body.replace(b'"delivered_on"', b'"kind": "uslugi_opiekuncze", "delivered_on"'))
