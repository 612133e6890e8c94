"""Extra RabbitMQ nodes on this machine, beside the one it runs: a TLS-only broker, or the nodes
of a cluster. Each has its own name, ports, data, logs and Erlang cookie, and is stopped and
removed afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


@dataclass
class RabbitNode:
    name: str  # short node name, e.g. "ops-tls"
    amqp_port: int
    dist_port: int
    config: str = ""  # rabbitmq.conf lines beyond the ports
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ops-rabbit-")))
    cookie: str = "ops-test-cookie"
    process: subprocess.Popen | None = None

    @property
    def node(self) -> str:
        return f"{self.name}@localhost"

    @property
    def ctl_command(self) -> tuple[str, ...]:
        return ("env", f"HOME={self.home}", str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.node)

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "HOME": str(self.home), "RABBITMQ_NODENAME": self.node,
                "RABBITMQ_NODE_PORT": str(self.amqp_port), "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"),
                "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"), "RABBITMQ_LOG_BASE": str(self.home / "log"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "enabled_plugins")}

    def start(self, timeout: int = 90) -> "RabbitNode":
        (self.home / "rabbitmq.conf").write_text(self.config)
        (self.home / "enabled_plugins").write_text("[].\n")
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(self.cookie)
        cookie.chmod(0o400)
        self.process = subprocess.Popen([str(RABBITMQ_BIN / "rabbitmq-server")], cwd=self.home,
                                        env=self._environment(), stdout=open(self.home / "server.out", "ab"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:  # await_startup gives up at once while the node is not yet known to epmd
            try:
                self.ctl("await_startup", "--timeout", "10", timeout=30)
                return self
            except subprocess.CalledProcessError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"RabbitMQ node {self.node} did not start; see {self.home}/log") from None
                time.sleep(1)

    def ctl(self, *args: str, timeout: int = 120) -> str:
        return subprocess.run([*self.ctl_command, *args], check=True, capture_output=True, text=True,
                              timeout=timeout).stdout

    def join(self, first: "RabbitNode") -> None:
        """Joins the cluster of another node (this one's own data is reset)."""
        self.ctl("stop_app")
        self.ctl("join_cluster", first.node)
        self.ctl("start_app")

    def kill(self) -> None:
        """Kills the node's Erlang VM (SIGKILL), as a machine lost would: no clean shutdown."""
        os.kill(int(self.ctl("eval", "os:getpid().").strip().strip('"')), signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                self.ctl("stop", timeout=60)
            except subprocess.SubprocessError:
                self.process.kill()
            self.process.wait(30)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
