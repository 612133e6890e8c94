"""An auditor's copy of a service's log: exported, verified, and replayed to a past moment."""

from __future__ import annotations

import base64
import errno
import io
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from services.intake.application import IntakeApplication
from shared import audit, signing
from tests.support.people import pesel_for


@pytest.fixture
def intake_url(make_database_url):
    return make_database_url("intake")


@pytest.fixture
def intake(intake_url, tmp_path):
    app = IntakeApplication(intake_url, secrets_dir=tmp_path)
    yield app
    app.close()


def register(app, name, number):
    person_id, _ = app.register_person(registered_on=date(2026, 11, 2), name=name, pesel=pesel_for(number))
    return person_id


@pytest.fixture
def exported(intake, tmp_path):
    anna = register(intake, "Anna Nowak", 1)
    time.sleep(0.01)
    between = datetime.now(timezone.utc)
    time.sleep(0.01)
    jan = register(intake, "Jan Wiśniewski", 2)
    path = tmp_path / "intake.audit.jsonl"
    count, final_hash = audit.export(intake, path)
    return path, count, final_hash, between, anna, jan


def test_an_exported_log_verifies_and_holds_every_event(intake, exported):
    path, count, final_hash, *_ = exported
    log = audit.verify(path)
    assert log.service == "intake" and count == len(log.events) == intake.recorder.max_notification_id()
    assert log.final_hash == final_hash


def test_two_exports_of_the_same_store_up_to_the_same_event_are_the_same_file(intake, exported, tmp_path):
    path, _, final_hash, *_ = exported
    head = audit.verify(path).up_to
    again = tmp_path / "again.jsonl"
    assert audit.export(intake, again)[1] == final_hash and again.read_bytes() == path.read_bytes()

    register(intake, "Ewa Lis", 3)  # the store moves on; up to the old head, the export is the one kept
    later = tmp_path / "later.jsonl"
    assert audit.export(intake, later, up_to=head)[1] == final_hash and later.read_bytes() == path.read_bytes()
    assert audit.export(intake, later)[1] != final_hash and audit.verify(later).up_to > head


def test_replay_rebuilds_the_register_at_a_past_moment(intake_url, exported, tmp_path):
    path, _, _, between, anna, jan = exported
    log = audit.verify(path)
    key_file = tmp_path / "intake-store.key"  # the events are exported as stored: encrypted
    # ... and the persons' fields under their own keys, read from the store's key table (shared/erasure.py)
    then = audit.replay(log, as_recorded_at=between, store_key_file=key_file, person_keys_url=intake_url)
    now = audit.replay(log, store_key_file=key_file, person_keys_url=intake_url)
    try:
        assert then.person(anna).name == "Anna Nowak"
        with pytest.raises(LookupError):
            then.person(jan)
        assert [p.name for p in now.find_by_name("wiśniewski")[0]] == ["Jan Wiśniewski"]
    finally:
        then.close()
        now.close()



def test_replay_reads_the_verified_file_again_into_a_temporary_store_deleted_on_close(intake_url, exported, tmp_path):
    path, count, _, _, anna, _ = exported
    log = audit.verify(path, keep_events=False)  # as the command line does: memory does not grow with the log
    assert log.events == [] and log.count == count
    key_file = tmp_path / "intake-store.key"
    app = audit.replay(log, store_key_file=key_file, person_keys_url=intake_url)
    folder = Path(app.folder.name)
    try:
        assert folder.is_dir() and app.person(anna).name == "Anna Nowak"
    finally:
        app.close()
    assert not folder.exists()
    _rewrite(path, _altered_state)  # the file changed between its check and its replay
    with pytest.raises(audit.AuditLogAltered, match="changed after it was verified"):
        audit.replay(log, store_key_file=key_file, person_keys_url=intake_url)

def _rewrite(path, change):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")


def _altered_state(lines, number=1):
    event = json.loads(lines[number])
    state = base64.b64decode(event["state_base64"])  # encrypted as stored
    event["state_base64"] = base64.b64encode(state[:-1] + bytes([state[-1] ^ 1])).decode()
    return [*lines[:number], json.dumps(event) + "\n", *lines[number + 1:]]


@pytest.mark.parametrize("change, error", [
    (_altered_state, audit.AuditLogAltered),
    (lambda lines: [lines[0], *lines[2:]], audit.AuditLogAltered),  # an event removed
    (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], audit.AuditLogAltered),  # two swapped
    (lambda lines: lines[:-1], audit.AuditLogIncomplete),  # cut short
    (lambda lines: [], audit.AuditLogIncomplete),
], ids=["altered", "removed", "reordered", "cut-short", "empty"])
def test_a_changed_log_fails_verification_with_a_named_error(exported, change, error):
    path = exported[0]
    _rewrite(path, change)
    with pytest.raises(error):
        audit.verify(path)


def test_the_command_line_exports_verifies_and_replays(intake_url, exported, tmp_path):
    url = intake_url
    out = tmp_path / "again.jsonl"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "shared.audit", *args], capture_output=True, text=True,
                              timeout=60)

    exporting = run("export", "intake", "--database-url", url, "--out", str(out))
    assert exporting.returncode == 0, exporting.stderr
    verifying = run("verify", str(out))
    assert verifying.returncode == 0 and "nothing altered, nothing missing" in verifying.stdout
    keyless = run("replay", str(out))
    assert keyless.returncode == 2 and keyless.stderr.startswith("StoreKeyMissing")
    replaying = run("replay", str(out), "--store-key-file", str(tmp_path / "intake-store.key"),
                    "--person-keys-url", url)
    assert replaying.returncode == 0, replaying.stderr
    people = [a for a in json.loads(replaying.stdout)["aggregates"] if a["type"] == "Person"]
    assert sorted(p["name"] for p in people) == ["Anna Nowak", "Jan Wiśniewski"]
    # without the persons' keys the file is still rebuilt, its personal fields withheld
    withheld = run("replay", str(out), "--store-key-file", str(tmp_path / "intake-store.key"))
    assert withheld.returncode == 0, withheld.stderr
    people = [a for a in json.loads(withheld.stdout)["aggregates"] if a["type"] == "Person"]
    assert len(people) == 2 and not {p["name"] for p in people} - {None}
    _rewrite(out, _altered_state)
    refused = run("verify", str(out))
    assert refused.returncode == 1 and refused.stderr.startswith("AuditLogAltered: line 2")


def test_a_signed_export_verifies_with_its_public_key_only(intake, tmp_path):
    register(intake, "Anna Nowak", 1)
    path, key = tmp_path / "log.jsonl", tmp_path / "audit-signing.key"
    audit.export(intake, path)
    public = signing.sign(path, key)
    assert oct(key.stat().st_mode & 0o777) == "0o600" and (tmp_path / "audit-signing.key.pub").read_text().strip() == public
    audit.verify(path, public_key=tmp_path / "audit-signing.key.pub")
    signing.sign(path, tmp_path / "someone-else.key")  # signed again, by another key
    with pytest.raises(signing.SignatureInvalid):
        audit.verify(path, public_key=tmp_path / "audit-signing.key.pub")
    signing.sign(path, key)
    path.write_bytes(path.read_bytes().replace(b'"up_to": 2', b'"up_to": 3'))  # a byte the chain does not cover
    with pytest.raises(signing.SignatureInvalid):
        audit.verify(path, public_key=tmp_path / "audit-signing.key.pub")


def test_replay_as_of_a_business_date_takes_the_events_own_dates(intake, intake_url, tmp_path):
    early, _ = intake.register_person(registered_on=date(2025, 2, 20), name="Anna Nowak", pesel=pesel_for(1))
    late, _ = intake.register_person(registered_on=date(2025, 3, 2), name="Jan Wiśniewski", pesel=pesel_for(2))
    path = tmp_path / "log.jsonl"
    audit.export(intake, path)
    key_file = str(tmp_path / "intake-store.key")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "shared.audit", "replay", str(path), "--store-key-file", key_file,
                               "--person-keys-url", intake_url, *args], capture_output=True, text=True, timeout=60)

    then = json.loads(run("--as-of-date", "2025-03-01").stdout)  # both recorded today; one dated after
    assert [(a["id"], a["name"], a["registered_on"]) for a in then["aggregates"] if a["type"] == "Person"] == [
        (str(early), "Anna Nowak", "2025-02-20")]
    one = json.loads(run("--id", str(late)).stdout)
    assert one["name"] == "Jan Wiśniewski" and one["version"] == 1 and not any(k.startswith("_") for k in one)
    table = run("--as-of-date", "2025-03-02", "--format", "table").stdout
    assert f"Person {late} (version 1)" in table and "Jan Wiśniewski" in table
    assert table.endswith("\n\nend: 2 aggregate(s)\n")  # a table cut short lacks it
    missing = run("--as-of-date", "2025-03-01", "--id", str(late))
    assert missing.returncode == 1 and missing.stderr.startswith("AggregateNotFound")


def test_the_readmes_auditor_example_runs_as_written(intake_url, tmp_path):
    """The README's commands, on a store of this test's own (its var/ folder)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## For auditors", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line.split("#")[0]) for line in block.replace("\\\n", " ").splitlines() if line.strip()]
    if not intake_url.startswith("sqlite"):
        pytest.skip("the README's example is on SQLite")
    (tmp_path / "var" / "secrets").mkdir(parents=True)
    app = IntakeApplication(f"sqlite:///{tmp_path}/var/intake.sqlite", secrets_dir=tmp_path / "var" / "secrets")
    register(app, "Anna Nowak", 1)
    app.close()
    outputs = []
    for command in commands:
        assert command[:3] == [".venv/bin/python", "-m", "shared.audit"], command
        args = [a.replace("casework", "intake") for a in command[3:]]
        done = subprocess.run([sys.executable, "-m", "shared.audit", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(Path.cwd())})
        assert done.returncode == 0, (args, done.stderr)
        outputs.append(done.stdout)
    assert "Person " in outputs[-1] and "Anna Nowak" in outputs[-1]  # the aggregates themselves, not counts


def test_replay_reads_the_aggregates_back_a_page_a_query_each_once_at_its_latest_version(intake, intake_url, tmp_path,
                                                                                        monkeypatch):
    people = [register(intake, f"Osoba {n} Nowak", n) for n in range(1, 4)]
    talk = intake.record_first_contact(people[1], held_on=date(2026, 11, 3), officer="Biuro podawcze",
                                       reasons_for_help=["ubostwo"], help_requested=["praca_socjalna"])
    intake.route_case(talk, team="casework", reason="wsparcie rodziny", routed_on=date(2026, 11, 3))  # also publishes
    path = tmp_path / "log.jsonl"
    audit.export(intake, path)
    app = audit.replay(audit.verify(path), store_key_file=tmp_path / "intake-store.key", person_keys_url=intake_url)
    try:
        monkeypatch.setattr(audit, "_PAGE", 2)
        asked = []
        rows = app.mapper.keys._rows
        monkeypatch.setattr(app.mapper.keys, "_rows", lambda persons: asked.append(set(persons)) or rows(persons))
        read = list(audit.aggregates(app))
        assert [(type(a).__name__, a.id, a.version) for a in read] == [  # in the order each began, published events not
            *(("Person", p, 1) for p in people), ("FirstContact", talk, 2)]
        # one query for a page's persons' keys (the second page's talk is of a person the first page read)
        assert asked == [{people[0], people[1]}, {people[2]}]
        assert [audit.aggregate_state(a) for a in read] == [audit.aggregate_state(app.repository.get(a.id))
                                                            for a in read]
        assert audit.aggregate_state(read[1])["name"] == "Osoba 2 Nowak"
    finally:
        app.close()


def _replay(path, tmp_path, url, *args):
    return subprocess.run([sys.executable, "-m", "shared.audit", "replay", str(path), "--store-key-file",
                           str(tmp_path / "intake-store.key"), "--person-keys-url", url, *args], capture_output=True,
                          text=True, timeout=60)


def test_a_replay_that_fails_part_way_through_the_aggregates_prints_nothing(intake, intake_url, tmp_path):
    register(intake, "Anna Nowak", 1)
    jan = register(intake, "Jan Wiśniewski", 2)
    path = tmp_path / "log.jsonl"
    audit.export(intake, path)
    # Jan's key row lost (a key table not restored whole; an erased person would keep a row): Anna's
    # file reads back, his does not
    intake.mapper.keys._view.execute([("DELETE FROM intake_person_keys WHERE person_id = :id", {"id": str(jan)})])
    for form in ("json", "table"):
        done = _replay(path, tmp_path, intake_url, "--format", form)
        assert (done.returncode, done.stdout) == (2, ""), done.stderr
        assert done.stderr.startswith("PersonKeyMissing") and "Nowak" not in done.stderr


def test_a_replayed_file_that_does_not_check_out_to_its_end_leaves_nothing(exported, intake_url, tmp_path,
                                                                           monkeypatch):
    path, count, *_ = exported
    _rewrite(path, lambda lines: _altered_state(lines, count))  # its last event: read, checked, rebuilt after the rest
    (tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    with pytest.raises(audit.AuditLogAltered, match=f"line {count + 1}: "):
        audit.replay_file(path, store_key_file=tmp_path / "intake-store.key", person_keys_url=intake_url)
    assert not list((tmp_path / "temp").iterdir())  # the store rebuilt until then, deleted
    done = _replay(path, tmp_path, intake_url)
    assert (done.returncode, done.stdout) == (1, "") and done.stderr.startswith(f"AuditLogAltered: line {count + 1}")


def test_a_replay_whose_output_is_cut_short_says_so_and_fails(exported, intake_url, tmp_path, monkeypatch, capsys):
    path = exported[0]

    class Filling(io.RawIOBase):  # a disk that is full after 100 bytes
        taken = b""

        def writable(self):
            return True

        def write(self, data):
            if len(self.taken) >= 100:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.taken += bytes(data[:100 - len(self.taken)])
            return min(len(data), 100)

    disk = Filling()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BufferedWriter(disk, 16), encoding="utf-8"))
    code = audit.main(["replay", str(path), "--store-key-file", str(tmp_path / "intake-store.key"),
                       "--person-keys-url", intake_url])
    assert code == 3 and len(disk.taken) == 100  # printed in part
    assert capsys.readouterr().err.startswith("OutputCutShort: the output stopped part way (OSError)")
