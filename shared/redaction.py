"""Error descriptions that are safe to log and to put in dead-letter headers.

An error raised while handling a person's event may quote the person's data (a rule's
message, a database error with its parameters, a schema error with the value). Logs and
dead letters are read by operators, who may not see it: they get the error's name and what
its class says it means, and the message only of errors about the infrastructure itself.
"""

from __future__ import annotations

import socket
import traceback

from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError

# Errors whose messages speak of the broker, the network or the topology, never of a person.
_INFRASTRUCTURE = (AMQPError, KombuError, socket.error, ConnectionError, TimeoutError)


def describe(error: BaseException) -> str:
    """`Name: meaning` of an error, without anything the error's message may quote."""
    name = type(error).__name__
    if isinstance(error, _INFRASTRUCTURE) or getattr(error, "safe_to_log", False):
        return f"{name}: {error}"
    kind = type(error)
    doc = (kind.__doc__ or "").strip().splitlines()
    # A system's own error says what it means in its docstring; Python's say nothing useful.
    own_doc = doc and kind.__module__ != "builtins" and kind.__doc__ is not getattr(kind.__mro__[1], "__doc__", None)
    return f"{name}: {doc[0]}" if own_doc else name


def describe_with_frames(error: BaseException) -> str:
    """`describe`, and for an error that is not the infrastructure's (a bug), where it happened:
    the traceback's frames, which hold the code's lines but not the error's message."""
    if isinstance(error, _INFRASTRUCTURE) or getattr(error, "safe_to_log", False):
        return describe(error)
    return describe(error) + "\n" + "".join(traceback.format_tb(error.__traceback__)).rstrip()
