"""The services' HTTP server: a long answer leaves at once, not after the client's delayed ACK."""

from __future__ import annotations

import socket

import requests
from nameko.web.server import WebServer

from shared.web import PUBLIC, api

LONG = "x" * (64 << 10)  # over eventlet's 16 KiB write buffer: the answer leaves in several sends


class Lister:
    name = "lister"

    @api("GET", "/long", roles=PUBLIC)
    def long(self, request):
        return 200, {"items": LONG}


def test_the_connection_an_answer_leaves_on_has_nagle_s_algorithm_off(container_factory, web_config,
                                                                      web_config_port, monkeypatch):
    # With Nagle's algorithm on, the send after the first 16 KiB waits for the client's ACK, which
    # Linux delays up to 40 ms: every long list or page took 40 ms more than its work.
    options = []
    serve = WebServer.process_request

    def noting(server, sock, address):
        options.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        return serve(server, sock, address)

    monkeypatch.setattr(WebServer, "process_request", noting)
    container = container_factory(Lister, web_config)
    container.start()
    try:
        answer = requests.get(f"http://127.0.0.1:{web_config_port}/long", timeout=10)
    finally:
        container.stop()
    assert answer.status_code == 200 and answer.json() == {"items": LONG}
    assert options and all(options), "the server answers with Nagle's algorithm on"
