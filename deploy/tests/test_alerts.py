"""The alert rules an operator loads into Prometheus: valid, and each fires when it should
(promtool, Debian's prometheus package, which `make test` installs)."""

import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "prometheus"


@pytest.mark.parametrize("command", [["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]])
def test_the_alert_rules(command):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is missing: `bash deploy/ensure-services.sh promtool` installs it")
    result = subprocess.run([promtool, *command], cwd=RULES, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
