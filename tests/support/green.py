"""Loaded by pytest before every other plugin (`-p tests.support.green` in pyproject.toml's
addopts): eventlet's monkey-patching has to come before anything imports `ssl` or `socket`,
and plugins do (schemathesis's, anyio's). Patched later, an HTTPS request from a test recurses
without end, and nameko's container tests hang unpatched. The browser tests run in a pass of
their own, unpatched (conftest.py says why)."""

import os

import eventlet

if os.environ.get("OPS_BROWSER_PASS") != "1":
    eventlet.monkey_patch()
