"""Reading a paged list to its end (docs/architecture.md, "Read models")."""

from __future__ import annotations

from typing import Callable


def every_page(ask: Callable[[str], dict], path: str, items: str, limit: int = 200) -> list:
    """Every item of a list, page after page: `ask` answers a path with the page's JSON."""
    found, after = [], ""
    separator = "&" if "?" in path else "?"
    while after is not None:
        answer = ask(f"{path}{separator}limit={limit}{after and f'&after={after}'}")
        found, after = found + answer[items], answer["next_after"]
    return found
