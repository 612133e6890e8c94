import subprocess
import sys
import tomllib
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
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        env = compose["services"][service]["environment"]
        prefix = service.upper()
        assert env[f"{prefix}_AMQP_URI"].startswith(f"amqps://{service}:")  # TLS to the broker
        assert env["OPS_AMQP_CA_FILE"] == "/etc/ops/certs/ca.pem"
        assert env[f"{prefix}_DATABASE_URL"].startswith(f"postgresql://{service}:")
        assert env[f"{prefix}_DATABASE_URL"].endswith(f"@postgres:5432/{service}")


def test_only_the_gateway_is_reachable_from_outside():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"gateway"}
    assert compose["networks"]["internal"]["internal"] is True
    for name, service in compose["services"].items():
        assert service["networks"] == (["internal", "edge"] if name == "gateway" else ["internal"]), name
    gateway = compose["services"]["gateway"]["environment"]
    assert {gateway[f"GATEWAY_{s.upper()}_URL"] for s in ("intake", "casework", "decisions", "care", "training")} == {
        "http://intake:8001", "http://casework:8002", "http://decisions:8003", "http://care:8004",
        "http://training:8005"}


def test_services_hold_only_the_gateway_s_public_key_and_the_gateway_its_keys_read_only():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        mounts = service.get("volumes", [])
        if name == "gateway":
            assert "./gateway-keys:/var/lib/ops/secrets:ro" in mounts
        elif name not in ("rabbitmq", "postgres"):
            assert not any(m.startswith("./gateway-keys:") for m in mounts), name
            assert "./gateway-keys/gateway-public-keys.pem:/etc/ops/gateway-public-keys.pem:ro" in mounts


def test_every_service_reports_its_health_to_compose_from_its_own_port():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        spec = compose["services"][service]
        assert spec["healthcheck"]["test"] == ["CMD", "python", "-m", "shared.healthcheck"], service
        listens_on = spec["environment"][f"{service.upper()}_HTTP"].rsplit(":", 1)[1]
        assert spec["environment"]["OPS_HEALTH_PORT"] == listens_on, service
    assert "HEALTHCHECK" in (DEPLOY / "Dockerfile").read_text()


def test_the_image_pins_every_package_it_installs_at_the_versions_pyproject_names():
    constraints = dict(line.split("==") for line in (DEPLOY / "constraints.txt").read_text().splitlines()
                       if line and not line.startswith("#"))
    pinned = {name.lower().replace("_", "-"): version for name, version in constraints.items()}
    project = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in project:
        if "==" in requirement:
            name, version = requirement.split("==")
            name = name.split("[")[0]  # psycopg[binary]: the extra's packages are pinned too
            assert pinned.get(name.lower().replace("_", "-")) == version, f"constraints.txt is stale for {name}"
    assert "pip install -c constraints.txt ." in (DEPLOY / "Dockerfile").read_text()
