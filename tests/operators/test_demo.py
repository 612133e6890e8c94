"""`make demo`, the README's first command: the scenario plays to its end against real services.
No other test ran it, and a list that became paged (care's /services) left it waiting for ever."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_plays_every_team_s_scenario_to_the_end_and_leaves_every_service_healthy():
    played = subprocess.run([sys.executable, "-m", "deploy.demo"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert played.returncode == 0, played.stdout[-3000:] + played.stderr[-3000:]
    health = played.stdout.split("== Health ==")[1]
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        assert f"'service': '{service}', 'status': 'ok'" in health, health
    assert not re.search(r"'dead_lettered': [1-9]", health), health
    assert "Jan's case in casework shows the service" in played.stdout
