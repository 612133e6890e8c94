"""An event's contract upgraded while its v1 events stay in the log (docs/architecture.md,
"Upgrading a contract"): care's and training's stores as the code before CareHoursDelivered v2
wrote them (`stores_before_care_hours_v2.json`: care granted a service and recorded three visits;
training handled two; the third was still queued, as v1, when both stopped), the services restarted
on this code as separate processes."""

import json
import uuid
from decimal import Decimal
from pathlib import Path

from eventsourcing.persistence import StoredEvent
from kombu import Producer

from shared.broker import broker_connection, events_exchange
from shared.contracts.care import CARE_HOURS_DELIVERED
from shared.envelope import CONTENT_TYPE
from shared.store import INTEGRATION_TOPIC, ServiceApplication
from tests.support.waiting import wait_for

BEFORE = json.loads((Path(__file__).with_name("stores_before_care_hours_v2.json")).read_text(encoding="utf-8"))
V1, V2 = CARE_HOURS_DELIVERED.types


def _store(service: str, url: str, secrets_dir: Path | None = None) -> ServiceApplication:
    return type(f"{service}Store", (ServiceApplication,), {"service": service})(url, secrets_dir=secrets_dir)


def _restore(service: str, url: str) -> None:
    """The store as the previous version left it: its events with their notification ids, its positions."""
    store = _store(service, url)
    try:
        store.recorder.insert_events([StoredEvent(uuid.UUID(e["originator_id"]), e["originator_version"], e["topic"],
                                                  e["state"].encode()) for e in BEFORE[service]["events"]])
        for name, position in BEFORE[service]["positions"].items():
            store.record_position(name, position)
    finally:
        store.close()


def test_care_hours_stored_and_queued_as_v1_reach_training_as_v2_after_the_upgrade(centre):
    for service in ("care", "training"):
        _restore(service, centre.database_urls[service])
    # The message the previous relay published last, still in training's queue when it stopped.
    with broker_connection(centre.amqp_uri("care")) as connection:
        for queued in BEFORE["queued"]:
            Producer(connection.default_channel, exchange=events_exchange("care"), auto_declare=False).publish(
                queued["body"].encode(), routing_key=queued["routing_key"], content_type=CONTENT_TYPE,
                content_encoding="utf-8", delivery_mode=2, message_id=queued["message_id"], user_id=connection.userid)
    training, care = centre.start("training"), centre.start("care")
    officer, coordinator = centre.as_role("staff_development_officer"), centre.as_role("care_coordinator")

    def report():
        return officer.ok(officer.get("training", "/report", params={"from": "2026-03-01", "to": "2026-03-31"}), 200)

    def by_kind(hours: dict) -> dict:
        return {kind: Decimal(h) for kind, h in hours.items()}

    # Two facts training stored before (its domain events of class version 1) and the queued third.
    wait_for(lambda: Decimal(report()["centre"]["care_hours"]) == Decimal("8.5"), what="the three visits")
    assert by_kind(report()["centre"]["care_hours_by_kind"]) == {"not_reported": Decimal("8.5")}
    assert training.health()["consumer of care"]["dead_lettered"] == 0

    service_id, carer_id = BEFORE["care"]["service_id"], BEFORE["care"]["carer_id"]
    coordinator.ok(coordinator.post("care", f"/services/{service_id}/visits", {
        "carer_id": carer_id, "on": "2026-03-18", "hours": "2", "activities": ["personal_care"]}))
    after = {"not_reported": Decimal("8.5"), "uslugi_opiekuncze": Decimal(2)}
    wait_for(lambda: by_kind(report()["centre"]["care_hours_by_kind"]) == after,
             what="the visit recorded after the upgrade, with its kind")
    assert by_kind(report()["workload"]["care_hours_per_carer_by_kind"]["Halina Kot"]) == after
    assert care.health()["relay"]["dead_lettered"] == 0 and training.health()["consumer of care"]["dead_lettered"] == 0
    page = officer.http.get(f"{centre.url('gateway')}/kadry", params={"od": "2026-03-01", "do": "2026-03-31"},
                            timeout=10)
    assert page.status_code == 200, page.text
    assert "10,5 (rodzaj niepodany (sprzed zmiany zdarzenia): 8,5; usługi opiekuńcze: 2,0)" in page.text

    centre.stop()
    store = _store("care", centre.database_urls["care"], centre.data_dir / "secrets")  # encrypted since the restart
    try:  # the log keeps every event as it was published: v1 before the upgrade, v2 after
        published = [store.mapper.to_domain_event(n).type
                     for n in store.recorder.select_notifications(start=1, limit=100, topics=(INTEGRATION_TOPIC,))]
    finally:
        store.close()
    assert [t for t in published if t in (V1, V2)] == [V1, V1, V1, V2]
