"""The gateway's read model (docs/architecture.md, "Read models"): the staff accounts in the order
of their logins, for the operator's list, a page at a time.

One table in the gateway's own database: `gateway_accounts` (each account's id and login). The
login stays in clear: it is the order the operator reads the accounts in, and the name a member of
staff signs in with, not a client's data; the account's name and roles are read from the account."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from services.gateway.domain import StaffAccount
from shared.views import Statement, TableProjection, key_after, page


class GatewayReadModel(TableProjection):
    name = "gateway"
    topics = (get_topic(StaffAccount.Opened),)
    version = 1
    tables = (
        "CREATE TABLE IF NOT EXISTS gateway_accounts (account_id TEXT PRIMARY KEY, login TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS gateway_accounts_by_login ON gateway_accounts (login, account_id)",
    )

    def changes(self, event: Any, position: int) -> list[Statement]:
        return [("INSERT INTO gateway_accounts (account_id, login) VALUES (:id, :login)",
                 {"id": str(event.originator_id), "login": event.login})]

    def accounts(self, limit: int, after: str | None) -> tuple[list[UUID], str | None]:
        """The accounts' ids in the order of their logins, a page at a time."""
        key = key_after(after, 2)
        rows = self.current().rows(
            "SELECT account_id, login FROM gateway_accounts "
            f"{'WHERE (login, account_id) > (:login, :id) ' if key else ''}ORDER BY login, account_id LIMIT :limit",
            limit=limit + 1, login=key[0] if key else None, id=key[1] if key else None)
        rows, next_after = page(rows, limit, ("login", "account_id"))
        return [UUID(r["account_id"]) for r in rows], next_after
