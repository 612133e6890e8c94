"""The operator rotates a service's store key: new events take the new key, the old ones still open."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from deploy import secrets
from services.intake.application import IntakeApplication
from shared.keys import key_ring, store_key_path
from tests.support.people import pesel_for


def rotate(*args):
    return subprocess.run([sys.executable, "-m", "deploy.store_keys", "rotate", *args], capture_output=True,
                          text=True, timeout=60)


def test_the_operator_rotates_a_store_key_and_every_event_still_opens(tmp_path):
    url, folder = f"sqlite:///{tmp_path}/intake.sqlite", tmp_path / "secrets"
    intake = IntakeApplication(url, secrets_dir=folder)
    anna, _ = intake.register_person(registered_on=date(2026, 11, 2), name="Anna Nowak", pesel=pesel_for(1))
    intake.close()
    before = key_ring(store_key_path(folder, "intake"))

    rotated = rotate("intake", "--secrets", str(folder))
    assert rotated.returncode == 0, rotated.stderr
    after = key_ring(store_key_path(folder, "intake"))
    assert after[1:] == before and len(after) == 2
    assert not any(key in rotated.stdout + rotated.stderr for key in after)

    intake = IntakeApplication(url, secrets_dir=folder)
    try:
        jan, _ = intake.register_person(registered_on=date(2026, 11, 2), name="Jan Wiśniewski", pesel=pesel_for(2))
        assert (intake.person(anna).name, intake.person(jan).name) == ("Anna Nowak", "Jan Wiśniewski")
    finally:
        intake.close()


def test_rotating_a_key_file_that_is_not_there_makes_none(tmp_path):
    refused = rotate("care", "--key-file", str(tmp_path / "store-care.key"))
    assert refused.returncode == 1 and refused.stderr.startswith("StoreKeyMissing")
    assert not (tmp_path / "store-care.key").exists()


def test_compose_s_store_key_files_are_key_rings_of_one_key_each(tmp_path):
    secrets.make(tmp_path)
    for service in ("intake", "gateway"):
        assert len(key_ring(secrets.store_key_file(tmp_path, service))) == 1
