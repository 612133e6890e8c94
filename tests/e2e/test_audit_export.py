"""The auditor exports a service's whole log through the gateway, as a file the audit tool
verifies, with the final hash to keep apart; nobody else may."""

from __future__ import annotations

from datetime import date

import pytest

from shared import audit

pytestmark = pytest.mark.sqlite_only


def test_the_auditor_downloads_a_log_that_verifies_and_the_export_is_on_the_access_log(centre, tmp_path):
    centre.start("intake")
    person_id = centre.register("Teresa Eksportowa", 61)
    centre.talk(person_id)
    auditor = centre.as_role("auditor")

    answer = auditor.get("intake", "/audit-export", stream=True, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Disposition"] == f'attachment; filename="intake-{date.today().isoformat()}.jsonl"'
    path = tmp_path / "intake.jsonl"
    with open(path, "wb") as file:
        for chunk in answer.iter_content(65536):
            file.write(chunk)
    log = audit.verify(path)
    assert log.service == "intake" and len(log.events) == int(answer.headers["X-Audit-Events"]) >= 2
    assert log.final_hash == answer.headers["X-Audit-Final-Hash"]

    reads = auditor.ok(auditor.get("intake", "/access-log"), 200)["reads"]
    assert reads[-1]["what"] == "the whole log (audit export)" and reads[-1]["roles"] == ["auditor"]
    for role in ("first_contact_officer", "operator", "director"):
        assert centre.as_role(role).get("intake", "/audit-export").status_code == 403, role

