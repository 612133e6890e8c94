"""care's lists read from its tables (services/care/read_model.py), on both stores: each list's
order, pages by key that neither repeat nor skip a file while files are added, the services'
filter by state, the reports reading only the services granted for their period, the names
sealed in the tables, and the view caught up after a restart from its own position."""

import uuid
from datetime import date

import pytest

from services.care.application import CareApplication
from services.care.read_model import CareReadModel
from shared.views import PageLimitOutOfRange, UnknownCursor

AUTHORITY = "z upoważnienia Burmistrza Skawiny"


@pytest.fixture
def care(make_database_url):
    app = CareApplication(make_database_url("care"), on_authority_of=AUTHORITY)
    yield app
    app.close()


def opened(care, name: str, urgent: bool = False, on: str = "2025-03-03") -> uuid.UUID:
    return care.open_request(uuid.uuid4(), {"full_name": name, "pesel": None}, "uslugi_opiekuncze", urgent, on)


def every(ask, items: str, limit: int) -> list[dict]:
    """A list read page after page to its end."""
    found, after = [], None
    while True:
        page = ask(limit=limit, after=after)
        found += page[items]
        after = page["next_after"]
        if after is None:
            return found


def test_the_services_go_the_ended_last_urgent_first_then_oldest_first_a_page_at_a_time(care):
    late = opened(care, "Anna Późna", on="2025-03-05")
    early = opened(care, "Bogdan Wczesny", on="2025-03-01")
    urgent = opened(care, "Celina Pilna", urgent=True, on="2025-03-09")
    ended = opened(care, "Dariusz Dawny", urgent=True, on="2025-01-02")
    care.end(ended, date(2025, 2, 1), "rezygnacja")
    order = [urgent, early, late, ended]
    assert [s["service_id"] for s in care.services()["services"]] == order
    first = care.services(limit=3)
    assert [s["service_id"] for s in first["services"]] == order[:3] and first["next_after"]
    rest = care.services(limit=3, after=first["next_after"])
    assert [s["service_id"] for s in rest["services"]] == [ended] and rest["next_after"] is None
    row = first["services"][0]
    assert row["person"] == {"full_name": "Celina Pilna", "pesel": None} and row["urgent"]
    assert (row["state"], row["origin"], row["requested_on"]) == ("requested", "care_team", date(2025, 3, 9))
    # the filter by state keeps the order and pages the same way
    assert [s["service_id"] for s in care.services("requested", limit=1)["services"]] == [urgent]
    assert [s["service_id"] for s in every(lambda **p: care.services("requested", **p), "services", 1)] == order[:3]
    assert [s["service_id"] for s in care.services("ended")["services"]] == [ended]
    assert care.services("granted")["services"] == []


def test_pages_neither_repeat_nor_skip_a_file_while_files_are_added(care):
    there = [opened(care, f"Osoba {n}", on=f"2025-03-{10 + n:02}") for n in range(5)]
    seen, later, page = [], [], care.services(limit=2)
    while True:
        seen += [s["service_id"] for s in page["services"]]
        if page["next_after"] is None:
            break
        # between two pages: a request placed after every page read so far, and one placed before them
        later.append(opened(care, f"Nowa {len(later)}", on=f"2025-04-{len(later) + 1:02}"))
        opened(care, "Dawna", on="2025-01-01")
        page = care.services(limit=2, after=page["next_after"])
    assert seen == there + later  # each there at the start once, each placed ahead of the reading too


def test_referrals_and_families_go_newest_first_and_carers_in_the_order_registered(care):
    from services.care.domain import DpsReferral, FamilyAssistance

    referrals = [DpsReferral(request_ref=None, case_id=None, person_id=uuid.uuid4(), person={"full_name": f"R {n}"},
                             started_on=date(2025, 3, n + 1)) for n in range(3)]
    families = [FamilyAssistance(request_ref=None, case_id=None, person_id=uuid.uuid4(), person={"full_name": f"F {n}"},
                                 requested_on=date(2025, 3, n + 1)) for n in range(3)]
    for file in (*referrals, *families):
        care.save(file)
    care.gather_document(referrals[0].id, "wniosek", "2025-03-05")
    assert [r["referral_id"] for r in every(care.referrals, "referrals", 2)] == [r.id for r in referrals[::-1]]
    oldest = care.referrals(limit=1, after=care.referrals(limit=2)["next_after"])["referrals"][0]
    assert oldest["missing_documents"] == ["wywiad_srodowiskowy", "zaswiadczenie_lekarskie",
                                           "zgoda_na_umieszczenie", "decyzja_o_oplacie"]
    care.assign_assistant(families[1].id, "Beata Kos", "2025-03-06")
    care.record_assistance_visit(families[1].id, on="2025-03-07", hours="1", topic="szkoła")
    rows = every(care.assistances, "families", 2)
    assert [a["assistance_id"] for a in rows] == [f.id for f in families[::-1]]
    assert (rows[1]["assistant"], rows[1]["assigned_on"], rows[1]["visits"]) == ("Beata Kos", date(2025, 3, 6), 1)
    care.end_assistance(families[0].id, "2025-03-08", "rodzina wyjechała")
    rows = care.assistances()["families"]
    assert [(a["state"], a["ended_on"]) for a in rows] == [
        ("requested", None), ("assigned", None), ("ended", date(2025, 3, 8))]
    carers = [care.register_carer(f"Opiekunka {n}", "staff") for n in range(3)]
    assert [c["carer_id"] for c in every(care.carers, "carers", 2)] == carers


@pytest.mark.parametrize("limit", [0, 201, "10", True])
def test_a_limit_out_of_range_or_a_cursor_the_list_did_not_give_is_refused(care, limit):
    with pytest.raises(PageLimitOutOfRange):
        care.services(limit=limit)
    for ask in (care.services, care.referrals, care.assistances, care.carers):
        with pytest.raises(UnknownCursor):
            ask(after="bm90LWEta2V5")


def test_the_hours_report_loads_only_the_services_granted_for_its_period(care, monkeypatch):
    services = []
    periods = [("2025-01-01", "2025-01-31"), ("2025-02-15", None), ("2025-03-01", "2025-03-31")]
    for n, (start, end) in enumerate(periods):
        service = opened(care, f"Osoba {n}", on="2024-12-02")
        care.assess(service, assessed_on="2025-01-01", kind="uslugi_opiekuncze", activities=["meals"],
                    hours_per_week="2", period_from=start, period_to=end)
        care.state_income(service, members=1, monthly_income="900", stated_on="2025-01-01")
        care.grant(service, issued_on="2025-01-01", signed_by="Maria Kowalczyk")
        services.append(service)
    opened(care, "Nieprzyznana")  # never granted: in no report
    loaded = []
    get = care.repository.get
    monkeypatch.setattr(care.repository, "get", lambda i, *a, **k: loaded.append(i) or get(i, *a, **k))
    report = care.hours(date(2025, 3, 1), date(2025, 3, 31))
    assert [p["service_id"] for p in report["people"]] == services[1:] and loaded == services[1:]
    care.end(services[1], date(2025, 2, 28), "rezygnacja")
    loaded.clear()
    care.mrpips03_part(2025, 1)
    assert loaded == services
    loaded.clear()
    care.mrpips03_part(2025, 2)  # from July: only the open-ended one reaches it, and it ended in February
    assert loaded == []


def test_a_view_built_in_clear_is_rebuilt_with_names_sealed_when_its_store_is_encrypted(make_database_url,
                                                                                       tmp_path):
    url = make_database_url("care_sealed")
    care = CareApplication(url, on_authority_of=AUTHORITY)  # no key: the store and its view in clear
    opened(care, "Olena Kowalczuk")
    care.register_carer("Halina Opiekunka", "staff")
    care.close()
    again = CareApplication(url, on_authority_of=AUTHORITY, secrets_dir=tmp_path)  # encrypts the store
    try:
        assert [s["person"]["full_name"] for s in again.services()["services"]] == ["Olena Kowalczuk"]
        assert [c["name"] for c in again.carers()["carers"]] == ["Halina Opiekunka"]
        stored = str(again.read_model.view.rows("SELECT * FROM care_files"))
        stored += str(again.read_model.view.rows("SELECT * FROM care_carers"))
        assert "Kowalczuk" not in stored and "Halina" not in stored
    finally:
        again.close()


def test_the_view_catches_up_after_a_restart_from_its_own_position(make_database_url):
    url = make_database_url("care_restart")
    care = CareApplication(url, on_authority_of=AUTHORITY)
    try:
        first = opened(care, "Przed Restartem")
        assert [s["service_id"] for s in care.services()["services"]] == [first]
        position = care.read_model.view.max_tracking_id(care.name)
    finally:
        care.close()
    other = CareApplication(url, on_authority_of=AUTHORITY)  # another process writes meanwhile
    try:
        second = opened(other, "Inny Proces", urgent=True)
    finally:
        other.close()
    again = CareApplication(url, on_authority_of=AUTHORITY)
    try:
        assert again.read_model.view.max_tracking_id(again.name) == position  # nothing replayed at opening
        assert [s["service_id"] for s in again.services()["services"]] == [second, first]
        assert again.read_model.view.max_tracking_id(again.name) == again.recorder.max_notification_id()
    finally:
        again.close()


def test_the_read_model_is_one_the_service_brings_up_to_date_at_start(care):
    assert [type(m) for m in care.read_models()] == [CareReadModel]
