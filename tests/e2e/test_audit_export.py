"""The auditor exports a service's whole log through the gateway, as a file the audit tool
verifies, with the final hash to keep apart; nobody else may."""

from __future__ import annotations

import re
import subprocess
import sys
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



def test_two_exports_of_an_unchanged_running_store_are_the_same_file_with_the_stores_head(centre, tmp_path):
    centre.start("intake")
    centre.register("Teresa Dwukrotna", 62)
    url = centre.database_urls["intake"]

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "shared.audit", *args], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    exported = run("export", "intake", "--database-url", url, "--out", str(first), "--sign-key",
                   str(tmp_path / "auditor.key"))
    run("export", "intake", "--database-url", url, "--out", str(second))
    assert first.read_bytes() == second.read_bytes()
    head = re.search(r"head hash ([0-9a-f]{64})", exported).group(1)
    assert f"head hash {head}" in run("verify", "--database-url", url, "--expect", head)  # the store's own chain
    assert "signature good" in run("verify", str(first), "--expect", head, "--public-key",
                                   str(tmp_path / "auditor.key.pub"))
