"""The services' logs as an operator's log collector reads them: one JSON object per line, each
naming its service, and never a person's data — after a run that routes cases, refuses bad
requests and reads files."""

from __future__ import annotations

import json

import pytest

from tests.support.people import pesel_for
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def test_every_log_line_is_json_and_names_no_one(centre):
    centre.start("intake")
    centre.start("casework")
    names = [f"Zofia Dziennikowa{n}" for n in range(3)]
    case_ids = [centre.first_contact_to_casework(name, 800 + n) for n, name in enumerate(names)]
    wait_for(lambda: len(centre.open_cases()) == 3, what="three cases open")
    desk = centre.desk
    refused = desk.post("intake", "/persons", {"full_name": "Zofia Dziennikowa9", "pesel": "85071512349",
                                               "registered_on": "2026-11-02"})
    assert refused.status_code == 400
    assert desk.get("intake", "/persons/00000000-0000-0000-0000-000000000000").status_code == 404
    leader = centre.as_role("social_work_team_leader")
    assert leader.get("casework", f"/cases/{case_ids[0]}").status_code == 200
    for process in centre.processes.values():
        process.stop()

    lines = {service: (centre.data_dir / f"{service}.log").read_text().splitlines()
             for service in ("intake", "casework", "gateway")}
    for service, text in lines.items():
        assert text, f"{service} logged nothing"
        for line in text:
            entry = json.loads(line)  # fails on any line that is not one JSON object
            assert entry["service"] == service and entry["level"] and entry["message"] is not None
            for secret in [*names, "Dziennikowa9", "85071512349", *(pesel_for(800 + n) for n in range(3))]:
                assert secret not in line, f"{service} logged personal data: {line}"
    answered = [json.loads(line) for line in lines["intake"] if '"status": 400' in line]
    assert answered and answered[0]["request_id"], "a request's line carries the id the gateway gave it"
    assert answered[0]["message"] == f"POST /persons 400 in {answered[0]['message'].split(' in ')[1]}"
    at_the_door = [json.loads(line) for line in lines["gateway"] if answered[0]["request_id"] in line]
    assert [e["status"] for e in at_the_door] == [400], "the gateway's line of the same request has the same id"
