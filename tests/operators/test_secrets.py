"""A service as compose runs it: its broker password a file (a compose secret), not part of the
URI in its environment. Against this machine's broker, with the deployment's own accounts."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

import pytest

from deploy.launcher import ServiceProcess
from shared.identity import signing_key
from tests.support.centre import free_port
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]


def test_a_service_connects_with_the_password_in_its_file_and_a_wrong_one_keeps_it_out(centre, tmp_path):
    parts = urlsplit(centre.amqp_uri("intake"))
    password_file = tmp_path / "broker_password"
    password_file.write_text(unquote(parts.password) + "\n")
    without_password = urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.hostname}:{parts.port}"))
    signing_key(centre.data_dir / "secrets")  # the gateway's public keys, which every service reads
    intake = ServiceProcess("intake", without_password, free_port(), centre.data_dir, centre.database_urls["intake"],
                            broker_account_prefix=centre.broker.accounts.prefix,
                            amqp_ca_file=centre.amqp_ca_file,
                            extra_environment={"OPS_AMQP_PASSWORD_FILE": str(password_file)})
    try:
        intake.start()
        wait_for(lambda: intake.health()["status"] == "ok", timeout=20)
        assert intake.health()["relay"]["connected"] is True
        intake.stop()

        password_file.write_text("not-the-accounts-password")
        intake.start()
        assert intake.health()["status"] == "degraded"  # the broker refused it: the password is the file's
        assert intake.health()["relay"]["connected"] is False
    finally:
        intake.stop()
    logged = (centre.data_dir / "intake.log").read_text()
    assert unquote(parts.password) not in logged and "not-the-accounts-password" not in logged
