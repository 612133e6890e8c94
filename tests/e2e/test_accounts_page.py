"""The operator's list of staff accounts, a page at a time by login (the gateway's table): the
API's pages and the page's link to the next show every account once."""

import re

from shared.views import PAGE_DEFAULT


def test_the_accounts_are_listed_by_login_a_page_at_a_time(centre):
    centre.start("gateway")
    operator, gateway = centre.as_role("operator"), centre.url("gateway")
    for n in range(PAGE_DEFAULT + 1):
        created = operator.http.post(f"{gateway}/accounts", json={"login": f"konto{n:03}", "name": f"Konto {n}"},
                                     timeout=10)
        assert created.status_code == 201, created.text
    logins, after = [], None
    while True:
        page = operator.http.get(f"{gateway}/accounts", params={"limit": 20, "after": after}, timeout=10).json()
        logins += [a["login"] for a in page["accounts"]]
        after = page["next_after"]
        if after is None:
            break
    assert logins == sorted(logins) and len(logins) == len(set(logins)) and len(logins) > PAGE_DEFAULT

    first = operator.http.get(f"{gateway}/konta", timeout=10)
    shown = re.findall(r'<a href="/konta/[0-9a-f-]+">([^<]+)</a>', first.text)
    assert shown == logins[:PAGE_DEFAULT]
    [following] = re.findall(r'href="/konta\?po=([^"]+)"', first.text)
    rest = operator.http.get(f"{gateway}/konta", params={"po": following}, timeout=10)
    assert re.findall(r'<a href="/konta/[0-9a-f-]+">([^<]+)</a>', rest.text) == logins[PAGE_DEFAULT:]
