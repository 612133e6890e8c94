import socket
import threading

import pytest

from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def echo_server():
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=lambda c=connection: [c.sendall(d) for d in iter(lambda: c.recv(1024), b"")],
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


def _talk(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
        client.sendall(data)
        return client.recv(1024)


def test_bytes_flow_until_cut_and_again_after_restore(echo_server):
    with TcpProxy("127.0.0.1", echo_server) as proxy:
        assert _talk(proxy.port, b"dzien dobry") == b"dzien dobry"
        established = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
        established.sendall(b"x")
        assert established.recv(10) == b"x"
        proxy.cut()
        assert established.recv(10) == b""  # the established connection is dropped
        assert _talk(proxy.port, b"y") == b""  # and a new one is closed at once
        proxy.restore()
        assert _talk(proxy.port, b"znowu") == b"znowu"
        established.close()
