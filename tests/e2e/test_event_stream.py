"""The gateway's event stream, as UI clients use it: each role gets only what its pages may show,
a reconnection with Last-Event-ID (even to a restarted gateway) loses and repeats nothing, and
signing out ends the stream. Separate processes, real broker."""

from __future__ import annotations

import time

import pytest
import requests

from shared.contracts import REGISTRY, DataClass
from tests.support.sse import StreamClient
from tests.support.waiting import wait_for

pytestmark = pytest.mark.sqlite_only


def classes(event_type: str) -> set[DataClass]:
    return {f.data_class for f in REGISTRY[event_type].fields}


def test_each_role_receives_only_what_its_pages_may_show(centre):
    for service in ("intake", "casework", "decisions"):
        centre.start(service)
    gateway = centre.url("gateway")
    streams = {role: StreamClient(gateway, centre.as_role(role).token).start()
               for role in ("social_worker", "benefit_officer", "director", "operator")}
    wait_for(lambda: all(s.of_type("ready") for s in streams.values()), what="every stream ready")
    routed_at = time.monotonic()
    contact = centre.talk(centre.register("Strumień Testowy", 61), reasons_for_help=["przemoc_w_rodzinie"],
                          help_requested=["zasilek_celowy"])
    assert centre.route(contact, "casework", "przemoc, dzieci").status_code == 201
    assert centre.route(contact, "decisions", "wniosek o zasiłek celowy").status_code == 201

    worker = streams["social_worker"]
    wait_for(lambda: worker.of_type("pl.ops.intake.CaseRouted.casework"), timeout=2, what="the case, live, in 2 s")
    assert time.monotonic() - routed_at < 2
    wait_for(lambda: streams["benefit_officer"].of_type("pl.ops.intake.CaseRouted.decisions"), what="the application")
    wait_for(lambda: streams["director"].of_type("pl.ops.intake.ClientRegistered"), what="the director's figure")
    time.sleep(1)
    # What each stream carried, not what a page drew: no team's file where it does not belong.
    assert all(DataClass.SOCIAL_WORK not in classes(e.type) for e in streams["benefit_officer"].cloud_events)
    assert "przemoc" not in str(streams["benefit_officer"].events)
    assert all(DataClass.ADMINISTRATIVE not in classes(e.type) for e in worker.cloud_events)
    assert all(classes(e.type) == {DataClass.REFERENCE} for e in streams["director"].cloud_events)
    assert "Strumień" not in str(streams["director"].events)
    assert streams["operator"].cloud_events == []
    assert worker.of_type("pl.ops.intake.CaseRouted.casework")[0].data["data"]["full_name"] == "Strumień Testowy"

    # Signing out ends the stream.
    centre.as_role("social_worker").http.post(f"{gateway}/sign-out", json={}, timeout=10)
    assert worker.ended.wait(20)
    for stream in streams.values():
        stream.close()
    assert requests.get(f"{gateway}/events", timeout=5).status_code == 401


def test_a_client_resumes_with_last_event_id_across_a_gateway_restart_and_gets_each_event_once(centre):
    for service in ("intake", "casework"):
        centre.start(service)
    gateway = centre.url("gateway")
    leader = centre.as_role("social_work_team_leader")
    stream = StreamClient(gateway, leader.token).start()
    wait_for(lambda: stream.of_type("ready"), what="the stream")
    routed = [centre.first_contact_to_casework(f"Przed {i}", 70 + i) for i in range(3)]
    wait_for(lambda: len(stream.of_type("pl.ops.intake.CaseRouted")) == 3, what="three cases live")

    centre.processes["gateway"].kill()  # mid-stream, as in a crash
    assert stream.ended.wait(10)
    centre.processes["gateway"].start()
    # The desk goes on working; sessions live in the gateway's store, so everyone's still signed in.
    routed += [centre.first_contact_to_casework(f"Po {i}", 80 + i) for i in range(3)]
    wait_for(lambda: _resumed(stream), what="the gateway back")
    wait_for(lambda: len(stream.of_type("pl.ops.intake.CaseRouted")) == 6, what="every case")
    time.sleep(1)
    got = [e.data["data"]["case_id"] for e in stream.of_type("pl.ops.intake.CaseRouted")]
    assert got == routed  # each once, in order
    ids = [int(e.id.split("intake:")[1].split(";")[0]) for e in stream.of_type("pl.ops.intake.CaseRouted")]
    assert ids == sorted(ids)
    stream.close()


def _resumed(stream: StreamClient) -> bool:
    try:
        stream.start()
        return True
    except requests.RequestException:
        return False  # the gateway is not answering yet
