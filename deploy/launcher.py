"""Starts the services as separate `nameko run` processes, as an operator does, and stops them.

Used by `make demo` and by the tests that need real processes talking over the network.
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

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORTS = {"intake": 8001, "casework": 8002, "decisions": 8003, "care": 8004, "training": 8005}
# nameko would also find the shared mixins in a module: name each service class.
SERVICE_CLASSES = {
    "intake": "services.intake.service:IntakeService",
    "casework": "services.casework.service:CaseworkService",
    "decisions": "services.decisions.service:DecisionsService",
    "care": "services.care.service:CareTeamService",
    "training": "services.training.service:TrainingService",
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
    log_path: Path | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def environment(self) -> dict[str, str]:
        prefix = self.service.upper()
        env = dict(os.environ)
        env.update(
            {
                f"{prefix}_AMQP_URI": self.amqp_uri,
                f"{prefix}_HTTP": f"127.0.0.1:{self.http_port}",
                f"{prefix}_DATABASE_URL": self.database_url,
                "OPS_BROKER_ACCOUNT_PREFIX": self.broker_account_prefix,
                "OPS_DATA_DIR": str(self.data_dir),
                "PYTHONUNBUFFERED": "1",
                "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore:::nameko.cli.commands",  # eventlet warns on import
            }
        )
        return env

    def start(self, wait: float = 30.0) -> "ServiceProcess":
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
                if requests.get(f"{self.url}/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.kill()
        raise ServiceDidNotStart(f"{self.service} did not answer on {self.url} in {timeout}s; see {log_path}")

    def health(self) -> dict:
        return requests.get(f"{self.url}/health", timeout=5).json()

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
