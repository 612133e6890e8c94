import base64
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from deploy import secrets
from deploy.broker import password_hash

DEPLOY = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["compose.yaml", "compose.cluster.yaml"])
def test_the_compose_file_is_valid_against_the_compose_spec(name):
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(DEPLOY / name)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_cluster_file_runs_three_nodes_of_one_cluster_and_gives_every_service_all_three():
    """compose.cluster.yaml on top of compose.yaml (no Docker engine here: read, not run; the same
    cluster runs for real in tests/faults/test_cluster.py)."""
    base = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    cluster = yaml.safe_load((DEPLOY / "compose.cluster.yaml").read_text())
    nodes = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
    conf = (DEPLOY / "rabbitmq" / "cluster.conf").read_text()
    for n, node in enumerate(nodes, start=1):
        spec = cluster["services"][node]
        assert spec["hostname"] == node and f"classic_config.nodes.{n} = rabbit@{node}\n" in conf
        assert spec["secrets"] == [{"source": "erlang_cookie", "target": "/var/lib/rabbitmq/.erlang.cookie"}]
        mounts = {m.split(":")[1]: m.split(":")[0] for m in spec["volumes"] + base["services"].get(node, {}).get(
            "volumes", [])}
        assert mounts["/etc/rabbitmq/conf.d/20-cluster.conf"] == "./rabbitmq/cluster.conf"
        assert mounts["/etc/rabbitmq/definitions.json"] == "./rabbitmq/definitions.json"
        if node != "rabbitmq":  # its own certificate for its own name, its own data
            assert mounts["/etc/rabbitmq/certs/rabbitmq.pem"] == f"./certs/{node}.pem"
            assert mounts["/var/lib/rabbitmq"] == f"{node}-data" and f"{node}-data" in cluster["volumes"]
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        uri = cluster["services"][service]["environment"][f"{service.upper()}_AMQP_URI"]
        assert uri.split(";") == [f"amqps://{service}@{node}:5671/ops" for node in nodes]


def test_each_service_has_its_own_broker_user_and_database():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        env = compose["services"][service]["environment"]
        prefix = service.upper()
        assert env[f"{prefix}_AMQP_URI"] == f"amqps://{service}@rabbitmq:5671/ops"  # TLS to the broker
        assert env["OPS_AMQP_CA_FILE"] == "/etc/ops/certs/ca.pem"
        assert env[f"{prefix}_DATABASE_URL"] == f"postgresql://{service}@postgres:5432/{service}"


def test_passwords_are_files_each_service_gets_only_its_own_and_none_is_in_the_environment():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, spec in compose["services"].items():
        for key, value in spec.get("environment", {}).items():
            assert "PASSWORD" not in key or key.endswith("_FILE"), (name, key)
            assert "${" not in str(value) or "PASSWORD" not in str(value), (name, key)
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        spec = compose["services"][service]
        assert spec["secrets"] == [{"source": f"broker_password_{service}", "target": "broker_password"},
                                   {"source": f"db_password_{service}", "target": "db_password"},
                                   {"source": f"store_key_{service}", "target": "store_key"}]
        assert spec["environment"]["OPS_STORE_KEY_FILE"] == "/run/secrets/store_key"
        assert spec["environment"]["OPS_AMQP_PASSWORD_FILE"] == "/run/secrets/broker_password"
        assert spec["environment"]["OPS_DATABASE_PASSWORD_FILE"] == "/run/secrets/db_password"
    postgres = compose["services"]["postgres"]
    assert postgres["environment"] == {"POSTGRES_PASSWORD_FILE": "/run/secrets/postgres_password"}
    assert "/run/secrets/db_password_${service}" in (DEPLOY / "postgres" / "init-databases.sh").read_text()
    assert "PASSWORD" not in (DEPLOY / "env.example").read_text()


def test_each_service_starts_after_its_migration_which_alone_holds_its_database_owner_s_password():
    """The service's role may only INSERT and SELECT on its log: its `<service>-migrate` makes the
    tables as the owner (deploy/migrate.py) and grants it that, before the service starts."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    init = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    assert 'CREATE DATABASE :"database" OWNER :"owner"' in init and "/run/secrets/db_owner_password_${service}" in init
    for service in ("intake", "casework", "decisions", "care", "training", "gateway"):
        spec, migration = compose["services"][service], compose["services"][f"{service}-migrate"]
        assert spec["depends_on"][f"{service}-migrate"] == {"condition": "service_completed_successfully"}
        assert f"db_owner_password_{service}" not in str(spec["secrets"])
        assert migration["secrets"] == [{"source": f"db_owner_password_{service}", "target": "db_owner_password"},
                                        {"source": f"store_key_{service}", "target": "store_key"}]
        command = migration["command"]
        assert command[:4] == ["python", "-m", "deploy.migrate", service]
        assert command[command.index("--database-url") + 1] == f"postgresql://{service}_owner@postgres:5432/{service}"
        assert command[command.index("--grant-to") + 1] == service
        assert command[command.index("--password-file") + 1] == "/run/secrets/db_owner_password"
        assert migration["environment"]["PGSSLMODE"] == "verify-full"
        assert f"db_owner_password_{service}" in compose["services"]["postgres"]["secrets"]


def test_the_secrets_command_makes_every_file_compose_names_and_the_broker_definitions_use_them(tmp_path):
    named = {**yaml.safe_load((DEPLOY / "compose.yaml").read_text())["secrets"],
             **yaml.safe_load((DEPLOY / "compose.cluster.yaml").read_text())["secrets"]}
    made = {path.name for path in secrets.make(tmp_path / "secrets")}
    assert made == {Path(spec["file"]).name for spec in named.values()} | {"broker-operator.password"}
    assert all((tmp_path / "secrets" / name).stat().st_mode & 0o077 == 0 for name in made)
    again = {path: path.read_text() for path in (tmp_path / "secrets").iterdir()}
    secrets.make(tmp_path / "secrets")  # kept as they are: a second run must not lock the services out
    assert {path: path.read_text() for path in (tmp_path / "secrets").iterdir()} == again

    out = subprocess.run([sys.executable, "-m", "deploy.broker", "--secrets", str(tmp_path / "secrets")],
                         capture_output=True, text=True, timeout=60, cwd=DEPLOY.parent, check=True).stdout
    users = {user["name"]: user["password_hash"] for user in json.loads(out)["users"]}
    intake = (tmp_path / "secrets" / "broker-intake.password").read_text()
    assert intake not in out  # hashed, never the password itself
    salt = base64.b64decode(users["intake"])[:4]
    assert password_hash(intake, salt=salt) == users["intake"]


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


def test_the_street_door_is_https_with_secure_cookies_and_a_health_check_that_speaks_it():
    gateway = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["gateway"]
    env = gateway["environment"]
    assert gateway["ports"] == ["443:8000"]
    assert (env["GATEWAY_TLS_CERT_FILE"], env["GATEWAY_TLS_KEY_FILE"]) == ("/etc/ops/certs/gateway.pem",
                                                                            "/etc/ops/certs/gateway.key")
    assert "./certs/gateway.key:/etc/ops/certs/gateway.key:ro" in gateway["volumes"]
    assert env["GATEWAY_SECURE_COOKIES"] == "true" and env["OPS_HEALTH_CA_FILE"] == "/etc/ops/certs/ca.pem"


def test_services_hold_only_the_gateway_s_public_key_and_the_gateway_its_keys_read_only():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        mounts = service.get("volumes", [])
        if name in ("gateway", "gateway-migrate"):
            assert "./gateway-keys:/var/lib/ops/secrets:ro" in mounts
        elif name.endswith("-migrate"):  # no key of the gateway's: it only makes the tables
            assert not any(m.startswith("./gateway-keys") for m in mounts), name
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


def test_the_dockerfile_passes_hadolint_and_runs_as_a_numeric_non_root_user():
    linter = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(linter), "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    user = [line.split()[1] for line in (DEPLOY / "Dockerfile").read_text().splitlines() if line.startswith("USER ")]
    assert user == ["10001"]  # deploy/secrets.py hands the services' password files to this uid
