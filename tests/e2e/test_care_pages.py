"""The care coordinator's list pages over the gateway: a page of care's list, in care's order,
with a link to the next page that shows the rest without repeating any; the live rows of a later
page redraw that page; a referral or a family care has no file of is a page saying it is not found."""

import re
import uuid

from services.gateway.ui.care import SHOWN


def test_the_services_page_shows_a_page_of_care_s_list_and_links_to_the_next(centre):
    centre.start("care")
    coordinator = centre.as_role("care_coordinator")
    for n in range(SHOWN + 1):
        coordinator.ok(coordinator.post("care", "/services", {
            "person_id": str(uuid.uuid4()), "urgent": n == SHOWN,
            "requested_on": f"2026-{1 + n // 28:02}-{1 + n % 28:02}",
            "person": {"full_name": f"Osoba {n:03}", "pesel": None}}), 201)
    gateway = centre.url("gateway")

    def rows(page: str) -> list[str]:
        return re.findall(r"Osoba \d{3}", page)

    first = coordinator.http.get(f"{gateway}/uslugi", timeout=10)
    assert first.status_code == 200, first.text
    shown = rows(first.text)
    assert len(shown) == SHOWN and shown[0] == f"Osoba {SHOWN:03}"  # the urgent first, then the oldest
    assert shown[1:4] == ["Osoba 000", "Osoba 001", "Osoba 002"]
    [following] = re.findall(r'href="/uslugi\?po=([^"]+)"', first.text)
    second = coordinator.http.get(f"{gateway}/uslugi", params={"po": following}, timeout=10)
    assert rows(second.text) == [f"Osoba {SHOWN - 1:03}"] and 'href="/uslugi?po=' not in second.text
    assert f'data-fragment="/fragmenty/uslugi?po={following}"' in second.text
    live = coordinator.http.get(f"{gateway}/fragmenty/uslugi", params={"po": following}, timeout=10)
    assert rows(live.text) == [f"Osoba {SHOWN - 1:03}"]
    refused = coordinator.http.get(f"{gateway}/uslugi", params={"po": "bm90LWEta2V5"}, timeout=10)
    assert refused.status_code == 400  # care refused the cursor (UnknownCursor): the page says so

    for path in (f"/dps/{uuid.uuid4()}", f"/asystenci/{uuid.uuid4()}"):
        missing = coordinator.http.get(f"{gateway}{path}", timeout=10)
        assert missing.status_code == 404 and "Nie znaleziono." in missing.text, path
    for path in ("/dps", "/asystenci"):
        assert coordinator.http.get(f"{gateway}{path}", timeout=10).status_code == 200, path
