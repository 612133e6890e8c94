import subprocess
import sys
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent


def test_the_compose_file_is_valid_against_the_compose_spec():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(DEPLOY / "compose.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_service_has_its_own_broker_user_and_database():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for service in ("intake", "casework", "decisions", "care", "training"):
        env = compose["services"][service]["environment"]
        prefix = service.upper()
        assert env[f"{prefix}_AMQP_URI"].startswith(f"amqps://{service}:")  # TLS to the broker
        assert env["OPS_AMQP_CA_FILE"] == "/etc/ops/certs/ca.pem"
        assert env[f"{prefix}_DATABASE_URL"].startswith(f"postgresql+psycopg2://{service}:")
        assert env[f"{prefix}_DATABASE_URL"].endswith(f"@postgres:5432/{service}")
