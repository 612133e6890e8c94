"""A client of the gateway's event stream, as a UI would be: reads server-sent events, keeps the
last id, and can come back with it."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests


@dataclass
class Event:
    id: str
    type: str
    data: dict


@dataclass
class StreamClient:
    gateway: str
    token: str
    events: list[Event] = field(default_factory=list)
    last_id: str | None = None
    ended: threading.Event = field(default_factory=threading.Event)
    _connection: http.client.HTTPConnection | None = None

    def start(self) -> "StreamClient":
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        self.ended.clear()
        where = urlsplit(self.gateway)
        self._connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
        self._connection.request("GET", "/events", headers=headers)
        response = self._connection.getresponse()
        if response.status != 200:
            self._connection.close()
            raise requests.HTTPError(f"{response.status} from /events")
        threading.Thread(target=self._read, args=(response,), daemon=True).start()
        return self

    def _read(self, response) -> None:
        fields: dict[str, str] = {}
        try:
            while raw := response.readline():
                raw = raw.decode().rstrip("\r\n")
                if raw == "":
                    if "event" in fields:
                        event = Event(fields.get("id", ""), fields["event"], json.loads(fields.get("data") or "{}"))
                        if event.id:
                            self.last_id = event.id
                        self.events.append(event)
                    fields = {}
                elif not raw.startswith(":"):
                    name, _, value = raw.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError, http.client.HTTPException):
            pass
        finally:
            self.ended.set()

    def close(self) -> None:
        """Hangs up, as a browser tab closed (the reading thread sees the end)."""
        if self._connection is not None and self._connection.sock is not None:
            try:
                self._connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def of_type(self, *prefixes: str) -> list[Event]:
        return [e for e in self.events if e.type.startswith(prefixes)]

    @property
    def cloud_events(self) -> list[Event]:
        return [e for e in self.events if e.type.startswith("pl.ops.")]
