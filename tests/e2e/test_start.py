"""A service brings its read models up to date as it starts, not in its first request."""

from __future__ import annotations

from datetime import date

from services.intake.application import IntakeApplication
from tests.support.people import pesel_for
from tests.support.waiting import wait_for


def test_intake_brings_its_read_model_up_to_date_as_it_starts_before_any_query(centre):
    url, secrets = centre.database_urls["intake"], centre.data_dir / "secrets"
    desk = IntakeApplication(url, secrets_dir=secrets)  # people registered while the service was down
    for number in range(1, 31):
        desk.register_person(registered_on=date(2026, 11, 2), name=f"Osoba {number}", pesel=pesel_for(number))
    head = desk.recorder.max_notification_id()
    assert desk.read_model.view.max_tracking_id("intake") is None  # its view has read nothing yet
    desk.close()

    centre.start("intake")  # and nobody asks it anything

    def position() -> int | None:
        reader = IntakeApplication(url, secrets_dir=secrets)
        try:
            return reader.read_model.view.max_tracking_id("intake")
        finally:
            reader.close()

    wait_for(lambda: (position() or 0) >= head, what="intake's view caught up with its log at start")
