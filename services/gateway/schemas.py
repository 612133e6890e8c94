"""The shapes of the operator's account commands at the gateway (GET /openapi.json). The
application keeps its own rules on top: a login not taken, a password long enough."""

from shared.contracts.gateway import TEAMS
from shared.roles import ROLES
from shared.schemas import (
    COUNT, FLAG, HALF_YEAR_QUERY, ID, OBJECT, PRESENT, STRINGS, TEXT, codes, line, listed, obj, one_of, or_null,
    page, paged, record, whole,
)
from shared.views import PAGE_MAX

TEAM = {"enum": [*TEAMS, None]}  # none: the auditor, the operator
ACCOUNTS_QUERY = obj(limit=whole(1, PAGE_MAX), after=line(500))  # a page of the accounts
ACCOUNTS_PAGE_QUERY = obj(po=line(500))  # the accounts' page from where the link to it says
ACCOUNT = obj(["login", "name"], login=line(64), name=line(), roles=codes(ROLES), team=TEAM, password=line(200))
ROLE_CHANGE = obj(roles=codes(ROLES), team=TEAM)
PASSWORD = obj(["password"], password=line(200))

# --- queries (?name=value) ------------------------------------------------------------------------

REPORT_QUERY = {**HALF_YEAR_QUERY, "properties": {**HALF_YEAR_QUERY["properties"], "format": one_of(["json", "csv", "html"])}}
MOMENT_QUERY = obj(["at"], at=line(40))  # an ISO date-time with its offset, read by the handler

# The pages' queries: what a page's links and its search forms send (GET forms: nothing personal
# goes in a URL). A value a person types into a form is a bounded text here: the page checks it
# itself, or asks the team service, and shows its Polish message beside the field (UI.md's pages
# keep what was typed); a value only a link or a list sets has its shape. An unknown parameter, or
# a value over its bounds, is refused in JSON naming it, in English and Polish.
_TYPED_DAY = line(10)  # YYYY-MM-DD from a date field
# Bounded well inside what the server reads of a request line (a longer URL is 414 before any check).
SIGN_IN_QUERY = obj(next=line(300))  # where to go once signed in (a path of this gateway only)
EVENTS_QUERY = obj(last_event_id=line(300))  # where a stream resumes (or the Last-Event-ID header)
SERVICE_PAGE_QUERY = obj(miesiac=line(7))  # the month of the fee statement shown, YYYY-MM
PAYMENTS_QUERY = obj(month=line(7), as_of=_TYPED_DAY, execution_date=_TYPED_DAY, debtor_name=line(),
                     debtor_account=line(40))  # the list's month and day; the bank file's payer and day
REVIEWS_QUERY = obj(wszystkie=PRESENT)  # closed reviews too
DIRECTOR_REPORT_QUERY = obj(rok=line(4), polrocze=one_of(["1", "2"]))
ACCESS_LOG_PAGE_QUERY = obj(usluga=line(20), osoba=line(36), pracownik=line(100), od=whole(0, 2**62))
STAFF_REPORT_QUERY = obj(od=_TYPED_DAY, do=_TYPED_DAY)


# --- answers ------------------------------------------------------------------------------------

PAGE = page()  # a page of the centre's (or a piece of one, for a live list)
FILE = page("*/*")  # the pages' script, style sheet or image, of its own type
STREAM = page("text/event-stream")
FORWARDED = {"description": "the team service's own answer, as its document (/api/<service>/openapi.json) says"}
SIGNED_IN = record(["token", "csrf_token"], token=TEXT, csrf_token=TEXT)
SIGNED_OUT = record(["signed_out"], signed_out=FLAG)
ME = record(["id", "name", "roles", "team", "csrf_token"], id=TEXT, name=TEXT, roles=STRINGS, team=or_null(TEXT),
            csrf_token=TEXT)
# ?format=json (the default), csv or html
REPORT = [record(["form", "year", "half", "rows"], form=TEXT, year=COUNT, half=COUNT, rows=listed(OBJECT)),
          page("text/csv"), PAGE]
ACCOUNT_FILE = record(["account_id", "login", "name", "roles", "team"], account_id=ID, login=TEXT, name=TEXT,
                      roles=STRINGS, team=or_null(TEXT))
ACCOUNTS = paged("accounts", ACCOUNT_FILE)
ACCOUNT_REF = record(["account_id"], account_id=ID)
ROLES_AT = record(["account_id", "login", "at", "roles"], account_id=ID, login=TEXT, at=TEXT, roles=STRINGS)
TRANSFER_FILE = page("application/xml")
