"""Starts the services as separate `nameko run` processes, as an operator does, and stops them.

Used by `make demo`, `make up` and by the tests that need real processes talking over the network.

    python -m deploy.launcher up      (make up): loads the deployment's broker definitions into the
                                      broker on this machine, runs every service until Ctrl-C
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from deploy.broker import SERVICES, LocalDeployment, local_passwords
from deploy.staff import DEMO_AUTHORITY, seed_demo_accounts, sign_in_help
from shared.identity import signing_key
from shared.store import database_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORTS = {"gateway": 8000, "intake": 8001, "casework": 8002, "decisions": 8003, "care": 8004,
                 "training": 8005}
# nameko would also find the shared mixins in a module: name each service class.
SERVICE_CLASSES = {
    "intake": "services.intake.service:IntakeService",
    "casework": "services.casework.service:CaseworkService",
    "decisions": "services.decisions.service:DecisionsService",
    "care": "services.care.service:CareTeamService",
    "training": "services.training.service:TrainingService",
    "gateway": "services.gateway.service:GatewayService",
}


class ServiceDidNotStart(RuntimeError):
    pass


@dataclass
class ServiceProcess:
    service: str
    amqp_uri: str
    http_port: int
    data_dir: Path
    database_url: str = ""
    broker_account_prefix: str = ""
    amqp_ca_file: str = ""  # the deployment's CA, for amqps://
    extra_environment: dict[str, str] = field(default_factory=dict)
    https_ca_file: str = ""  # it answers HTTPS with a certificate of this CA (WEB_TLS_CERT_FILE)
    log_path: Path | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"{'https' if self.https_ca_file else 'http'}://127.0.0.1:{self.http_port}"

    def environment(self) -> dict[str, str]:
        prefix = self.service.upper()
        env = dict(os.environ)
        env.update(
            {
                f"{prefix}_AMQP_URI": self.amqp_uri,
                f"{prefix}_HTTP": f"127.0.0.1:{self.http_port}",
                f"{prefix}_DATABASE_URL": self.database_url,
                "OPS_BROKER_ACCOUNT_PREFIX": self.broker_account_prefix,
                "OPS_AMQP_CA_FILE": self.amqp_ca_file,
                "OPS_DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
                "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore:::nameko.cli.commands",  # eventlet warns on import
                **self.extra_environment,
            }
        )
        return env

    def start(self, wait: float = 30.0) -> "ServiceProcess":
        if self.process is not None and self.process.poll() is None:
            return self  # running: a second process would replace this one's handle, and this one never stop
        nameko = Path(sys.executable).parent / "nameko"
        log_path = self.log_path or self.data_dir / f"{self.service}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [str(nameko), "run", "--config", f"services/{self.service}/config.yaml", SERVICE_CLASSES[self.service]],
            cwd=ROOT,
            env=self.environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready(wait, log_path)
        return self

    def wait_ready(self, timeout: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceDidNotStart(f"{self.service} exited ({self.process.returncode}); see {log_path}")
            try:
                if requests.get(f"{self.url}/health", timeout=1, verify=self.https_ca_file or True).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.kill()
        raise ServiceDidNotStart(f"{self.service} did not answer on {self.url} in {timeout}s; see {log_path}")

    def health(self) -> dict:
        return requests.get(f"{self.url}/health", timeout=5, verify=self.https_ca_file or True).json()

    def stop(self, timeout: float = 15.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgements, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None


def gateway_environment(ports: dict[str, int]) -> dict[str, str]:
    """Where the gateway finds each service."""
    return {f"GATEWAY_{s.upper()}_URL": f"http://127.0.0.1:{ports[s]}" for s in SERVICES if s != "gateway"}


def demo_environment(service: str, ports: dict[str, int]) -> dict[str, str]:
    """A service's settings on this machine: the gateway's addresses; the demo centre's authority."""
    if service == "gateway":
        return gateway_environment(ports)
    if service in ("decisions", "care"):
        return {f"{service.upper()}_ON_AUTHORITY_OF": os.environ.get(f"{service.upper()}_ON_AUTHORITY_OF")
                or DEMO_AUTHORITY}
    return {}


def start_all(broker: LocalDeployment, data_dir: Path, ports: dict[str, int] = DEFAULT_PORTS,
              database_urls: dict[str, str] | None = None) -> list[ServiceProcess]:
    """Every service as its own process, each with its own broker account; the gateway last,
    its signing key made first, so the services trust it from their first request; the demo
    accounts in its store (deploy/staff.py)."""
    signing_key(data_dir / "secrets")
    seed_demo_accounts((database_urls or {}).get("gateway") or database_url("gateway", None, data_dir),
                       data_dir / "secrets")
    started = []
    try:
        for service in (*(s for s in SERVICES if s != "gateway"), "gateway"):
            started.append(ServiceProcess(service, broker.uri(service), ports[service], data_dir,
                                          (database_urls or {}).get(service, ""),
                                          broker_account_prefix=broker.accounts.prefix,
                                          extra_environment=demo_environment(service, ports)).start())
    except BaseException:
        for process in started:
            process.stop()
        raise
    return started


def up(data_dir: Path = ROOT / "var") -> int:
    """`make up`: the centre on this machine until Ctrl-C (data and secrets in var/), with the
    demo accounts (deploy/staff.py)."""
    broker = LocalDeployment("ops", local_passwords(data_dir / "secrets")).load()
    processes = start_all(broker, data_dir)
    for process in processes:
        print(f"{process.service:<9} {process.url}  (log {data_dir / (process.service + '.log')})", flush=True)
    print(f"the centre is up: sign in at http://127.0.0.1:{DEFAULT_PORTS['gateway']}/sign-in; Ctrl-C stops it",
          flush=True)
    print(sign_in_help(), flush=True)
    try:
        while all(p.process.poll() is None for p in processes):
            time.sleep(1)
        print("a service stopped; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            process.stop()


if __name__ == "__main__":
    if sys.argv[1:] != ["up"]:
        sys.exit("usage: python -m deploy.launcher up")
    sys.exit(up())
