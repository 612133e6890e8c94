"""A TCP proxy a fault test opens and closes, to make the broker unreachable for one service
without stopping the machine's broker.

Each thread closes only the sockets it waits on (closing a socket another green thread is
selecting on confuses eventlet when the descriptor is reused), so cut() signals and joins.
"""

from __future__ import annotations

import select
import socket
import threading

_TICK = 0.1


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, listen_host: str = "127.0.0.1", listen_port: int = 0,
                 receive_buffer: int | None = None):
        self.target = (target_host, target_port)
        self._listen = (listen_host, listen_port)
        self._receive_buffer = receive_buffer  # bytes the proxy's side takes in before the client's writes block
        self._pumps: list[threading.Thread] = []
        self._open = threading.Event()
        self._open.set()
        self._reading_client = threading.Event()
        self._reading_client.set()
        self._closed = threading.Event()
        self.port = 0

    def start(self) -> "TcpProxy":
        self._server = socket.create_server(self._listen)
        if self._receive_buffer:  # accepted sockets take it from the listening one
            self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self._receive_buffer)
        self._server.settimeout(_TICK)
        self.port = self._server.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()
        return self

    def cut(self) -> None:
        """Drops every open connection and refuses new ones until restore()."""
        self._open.clear()
        for pump in list(self._pumps):
            pump.join()
        self._pumps.clear()

    def restore(self) -> None:
        self._open.set()

    def stall(self) -> None:
        """Stops reading what the clients send (a broker applying flow control, a congested link):
        their writes block once the buffers are full. What the broker sends still arrives."""
        self._reading_client.clear()

    def unstall(self) -> None:
        self._reading_client.set()

    def close(self) -> None:
        self._closed.set()
        self.cut()
        self._acceptor.join()

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *_) -> None:
        self.close()

    def _accept(self) -> None:
        try:
            while not self._closed.is_set():
                try:
                    client, _ = self._server.accept()
                except socket.timeout:
                    continue
                if not self._open.is_set():
                    _close(client)
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _close(client)
                    continue
                pump = threading.Thread(target=self._pump, args=(client, upstream), daemon=True)
                self._pumps.append(pump)
                pump.start()
        finally:
            self._server.close()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while self._open.is_set():
                sources = list(peers) if self._reading_client.is_set() else [b]
                readable, _, _ = select.select(sources, [], [], _TICK)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    peers[source].sendall(data)
        except OSError:
            pass
        finally:
            _close(a)
            _close(b)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
