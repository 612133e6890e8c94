"""care's application on both stores: requests from other teams, what it publishes (no
income, fee or health detail), the leader's hour report, family assistants' limit, the
decision's signature and authority, the reads of care files in the access log, corrections of
visits and rosters, and first contact's corrections of a person."""

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.care.application import CareApplication
from services.care.domain import AssistantLimitReached, DpsReferral, MissingSignature, NotFound, NothingToCorrect
from shared.contracts.care import (
    CARE_HOURS_CORRECTED,
    CARE_REQUEST_RECEIVED,
    CARE_SERVICE_ENDED,
    CARE_SERVICE_GRANTED,
    DPS_REFERRAL_SUBMITTED,
    DPS_REFERRAL_WITHDRAWN,
)
from shared.contracts.casework import PERSON_CORRECTED_FOR_CARE, SERVICES_REQUESTED
from shared.contracts.intake import CASE_ROUTED, PERSON_CORRECTED
from shared.envelope import Envelope, source_of
from shared.identity import Staff
from shared.roles import CARE_COORDINATOR
from shared.values import InvalidDate

AUTHORITY = "z upoważnienia Burmistrza Skawiny"  # the centre's setting (CARE_ON_AUTHORITY_OF)
SIGNATORY = "Maria Kowalczyk"
COORDINATOR = Staff(id="acc-7", name="Iwona Cicha", roles=frozenset({CARE_COORDINATOR}), team="care",
                    request_id="req-1")


@pytest.fixture
def care(make_database_url):
    app = CareApplication(make_database_url("care"), assistant_limit=1, on_authority_of=AUTHORITY)
    yield app
    app.close()


def requested(kind, n=1, person_id=None):
    case_id = str(uuid.uuid4())
    data = {"request_ref": f"{case_id}/S{n}", "case_id": case_id, "person_id": str(person_id or uuid.uuid4()),
            "kind": kind, "urgent": False, "requested_on": "2025-03-03", "full_name": "Jan Wiśniewski", "pesel": None,
            "birth_date": None, "address": None, "contact": None}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("casework"), type=SERVICES_REQUESTED.type,
                            time=datetime.now(timezone.utc), subject=case_id, data=data, notification_id=n)


def only(rows: list[dict], key: str):
    """The id of a list's one row."""
    [row] = rows
    return row[key]


def granted_service(care):
    care.process(requested("uslugi_opiekuncze"))
    service = care.care_service(only(care.services()["services"], "service_id"))
    carer = care.register_carer("Halina Kot", "staff")
    care.assess(service.id, assessed_on="2025-03-04", kind="uslugi_opiekuncze", activities=["personal_care"],
                hours_per_week="6", period_from="2025-03-10", period_to="2025-06-30")
    care.state_income(service.id, members=1, monthly_income="2222.22", stated_on="2025-03-04")
    care.grant(service.id, issued_on="2025-03-05", signed_by=SIGNATORY)
    care.set_roster(service.id, carer, [{"weekday": "mon", "hours": "3"}, {"weekday": "wed", "hours": "3"}])
    return service.id, carer


def test_requests_from_social_work_become_services_referrals_and_assistance(care):
    for n, kind in enumerate(("uslugi_opiekuncze", "dps", "asystent_rodziny"), start=1):
        assert care.process(requested(kind, n))
    assert care.process(requested("dps", 2)) is False  # a duplicate delivery
    assert [s["kind"] for s in care.services()["services"]] == ["uslugi_opiekuncze"]
    assert len(care.referrals()["referrals"]) == 1 and len(care.assistances()["families"]) == 1


def routed(n: int, person_id: str | None = None, full_name: str = "Zofia Lis") -> Envelope:
    """First contact's routing to care, asking for care services and a care home."""
    data = {"case_id": str(uuid.uuid4()), "person_id": person_id or str(uuid.uuid4()), "routed_on": "2025-03-03",
            "urgent": True, "full_name": full_name, "birth_date": None, "pesel": None, "document_number": "AB1",
            "address": None, "contact": None, "routing_reason": "potrzebuje pomocy w domu",
            "help_requested": ["uslugi_opiekuncze", "pobyt_w_dps"]}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of("intake"), type=CASE_ROUTED["care"].type,
                            time=datetime.now(timezone.utc), subject="", data=data, notification_id=n)


def test_a_case_routed_from_first_contact_opens_requests(care):
    care.process(routed(3))
    [service] = care.services()["services"]
    assert service["kind"] == "uslugi_opiekuncze" and service["urgent"] and service["origin"] == "first_contact"
    assert service["person"] == {"full_name": "Zofia Lis", "pesel": None} and service["state"] == "requested"
    assert len(care.referrals()["referrals"]) == 1


def test_a_grant_is_published_with_kind_hours_and_dates_only(care):
    service_id, _ = granted_service(care)
    care.end(service_id, "2025-05-31", "zmarł")
    received, granted, ended = care.integration_envelopes(after=0, limit=10)[0]
    assert received.type == CARE_REQUEST_RECEIVED.type and received.data["request_id"] == str(service_id)
    assert received.data["asked_for"] == "care_service"
    assert granted.type == CARE_SERVICE_GRANTED.type and ended.type == CARE_SERVICE_ENDED.type
    assert granted.data["hours_per_week"] == 6 and granted.data["period_to"] == "2025-06-30"
    assert granted.data["request_ref"].endswith("/S1")
    flat = str([received.data, granted.data, ended.data])
    for secret in ("2222", "7.60", "personal_care", "zmarł", "Halina"):
        assert secret not in flat


def test_ordered_against_delivered_hours_and_the_monthly_statement(care):
    service_id, carer = granted_service(care)
    care.record_visit(service_id, carer, on="2025-03-10", hours="3", activities=["personal_care"])
    care.record_visit(service_id, carer, on="2025-03-12", hours="2.5", activities=["personal_care"])
    care.record_missed_visit(service_id, carer, on="2025-03-17", reason="szpital")
    report = care.hours(date(2025, 3, 1), date(2025, 3, 31))
    [person] = report["people"]
    assert (person["ordered_hours"], person["delivered_hours"], person["missed_visits"]) == (
        Decimal("21"), Decimal("5.5"), 1)  # 3 h on Mondays 10, 17, 24, 31 and Wednesdays 12, 19, 26
    assert report["carers"] == [{"carer": "Halina Kot", "employer": "staff", "ordered_hours": Decimal("21"),
                                 "delivered_hours": Decimal("5.5"), "missed_visits": 1}]
    statement = care.statement(service_id, "2025-03")
    assert statement["fee_per_hour"] == Decimal("15.20")  # 220.02% of 1,010 zł: 40% of 38 zł
    assert statement["amount"] == Decimal("83.60")
    # Staff development learns each visit's hours with the kind of service (v2), not to whom.
    delivered, _ = care.log_for("training", after=0, limit=50)
    assert [(e.type, e.data["hours"], e.data["kind"]) for e in delivered] == [
        ("pl.ops.care.CareHoursDelivered.v2", 3, "uslugi_opiekuncze"),
        ("pl.ops.care.CareHoursDelivered.v2", 2.5, "uslugi_opiekuncze")]


def test_a_referral_submitted_is_published(care):
    care.process(requested("dps"))
    referral = care.referral(only(care.referrals()["referrals"], "referral_id"))
    for document in ("wniosek", "wywiad_srodowiskowy", "zaswiadczenie_lekarskie", "zgoda_na_umieszczenie",
                     "decyzja_o_oplacie"):
        care.gather_document(referral.id, document, "2025-03-05")
    care.submit_referral(referral.id, "2025-03-07")
    received, event = care.integration_envelopes(after=0, limit=10)[0]
    assert received.data == {"request_id": str(referral.id), "asked_for": "dps", "received_on": "2025-03-03",
                             "request_ref": referral.request_ref, "case_id": str(referral.case_id)}
    assert event.type == DPS_REFERRAL_SUBMITTED.type and event.data["submitted_on"] == "2025-03-07"


def test_a_family_assistant_is_not_given_more_families_than_the_centre_allows(care):
    care.process(requested("asystent_rodziny", 1))
    care.process(requested("asystent_rodziny", 2))
    second, first = (a["assistance_id"] for a in care.assistances()["families"])  # newest first
    care.assign_assistant(first, "Beata Kos", "2025-03-05")
    position = care.recorder.max_notification_id()
    with pytest.raises(AssistantLimitReached):
        care.assign_assistant(second, "Beata Kos", "2025-03-05")
    assert care.recorder.max_notification_id() == position
    assert care.assistants_load() == {"Beata Kos": 1}


@pytest.mark.parametrize("spelling", ["beata kos", "  Beata   Kos ", "BEATA KOS"])
def test_the_assistants_limit_holds_however_the_name_is_typed(care, spelling):
    care.process(requested("asystent_rodziny", 1))
    care.process(requested("asystent_rodziny", 2))
    second, first = (a["assistance_id"] for a in care.assistances()["families"])  # newest first
    care.assign_assistant(first, "Beata Kos", "2025-03-05")
    with pytest.raises(AssistantLimitReached):
        care.assign_assistant(second, spelling, "2025-03-05")
    assert care.assistants_load() == {"Beata Kos": 1}


def test_a_family_re_assigned_to_its_own_assistant_at_the_limit_is_not_refused(care):
    care.process(requested("asystent_rodziny", 1))
    family = only(care.assistances()["families"], "assistance_id")
    care.assign_assistant(family, "Beata Kos", "2025-03-05")  # the limit is 1: she is at it
    care.assign_assistant(family, "beata kos", "2025-03-06")
    assert care.assistants_load() == {"Beata Kos": 1}


def test_a_withdrawn_referral_is_published_without_its_reason(care):
    care.process(requested("dps"))
    referral = only(care.referrals()["referrals"], "referral_id")
    care.withdraw_referral(referral, "2025-03-09", "rodzina zapewniła opiekę")
    _, event = care.integration_envelopes(after=0, limit=10)[0]
    assert event.type == DPS_REFERRAL_WITHDRAWN.type and event.data["withdrawn_on"] == "2025-03-09"
    assert event.data["referral_id"] == str(referral) and event.data["request_ref"].endswith("/S1")
    assert "rodzina" not in str(event.data)


def test_unknown_things_are_named(care):
    with pytest.raises(NotFound):
        care.care_service(uuid.uuid4())
    with pytest.raises(NotFound):
        care.set_roster(uuid.uuid4(), uuid.uuid4(), [])


def test_a_roster_change_is_stored_with_its_date_and_past_months_keep_their_ordered_hours(make_database_url):
    url = make_database_url("care_rosters")
    care = CareApplication(url, on_authority_of=AUTHORITY)
    try:
        service_id, carer = granted_service(care)  # Mon and Wed 3 h from 2025-03-10
        march = care.hours(date(2025, 3, 1), date(2025, 3, 31))["people"][0]["ordered_hours"]
        assert march == Decimal(21)  # Mondays 10, 17, 24, 31 and Wednesdays 12, 19, 26, 3 h each
        care.set_roster(service_id, carer, [{"weekday": "fri", "hours": "2"}], valid_from="2025-04-01")
    finally:
        care.close()
    again = CareApplication(url, on_authority_of=AUTHORITY)  # read back from the store
    try:
        assert again.hours(date(2025, 3, 1), date(2025, 3, 31))["people"][0]["ordered_hours"] == Decimal(21)
        assert again.hours(date(2025, 4, 1), date(2025, 4, 30))["carers"][0]["ordered_hours"] == Decimal(8)
        assert [r["valid_from"] for r in again.care_service(service_id).rosters] == [
            date(2025, 3, 10), date(2025, 4, 1)]
    finally:
        again.close()


def test_a_grant_is_signed_by_whom_the_caller_names_on_the_authority_the_centre_sets(care):
    service_id, _ = granted_service(care)
    grant = care.care_service(service_id).grant
    assert (grant["signed_by"], grant["on_authority_of"]) == (SIGNATORY, AUTHORITY)


def test_without_the_centre_s_authority_set_a_grant_is_refused_and_nothing_is_stored(make_database_url):
    care = CareApplication(make_database_url("care_unset"), on_authority_of="  ")
    try:
        care.process(requested("uslugi_opiekuncze"))
        service = only(care.services()["services"], "service_id")
        care.assess(service, assessed_on="2025-03-04", kind="uslugi_opiekuncze", activities=["personal_care"],
                    hours_per_week="6", period_from="2025-03-10", period_to="2025-06-30")
        care.state_income(service, members=1, monthly_income="2222.22", stated_on="2025-03-04")
        position = care.recorder.max_notification_id()
        with pytest.raises(MissingSignature, match="CARE_ON_AUTHORITY_OF"):
            care.grant(service, issued_on="2025-03-05", signed_by=SIGNATORY)
        with pytest.raises(MissingSignature):  # and a blank signature is refused as before
            care.grant(service, issued_on="2025-03-05", signed_by=" ", on_authority_of=AUTHORITY)
        assert care.recorder.max_notification_id() == position and not care.care_service(service).grant
    finally:
        care.close()


def test_reads_of_care_files_by_staff_are_recorded_and_the_system_s_own_reads_are_not(care):
    service_id, carer = granted_service(care)  # the policy, commands and queries without a reader
    care.process(requested("dps", 2))
    care.process(requested("asystent_rodziny", 3))
    care.record_visit(service_id, carer, on="2025-03-10", hours="3", activities=["personal_care"])
    care.mrpips03_part(2025, 1)
    care.carers()
    assert care.access_log()["reads"] == []
    person_id = care.care_service(service_id).person_id
    [referral], [family] = care.referrals()["referrals"], care.assistances()["families"]

    care.services(reader=COORDINATOR)
    care.care_service(service_id, reader=COORDINATOR)
    care.statement(service_id, "2025-03", reader=COORDINATOR)
    care.hours(date(2025, 3, 1), date(2025, 3, 31), reader=COORDINATOR)
    care.referrals(reader=COORDINATOR)
    care.referral(referral["referral_id"], reader=COORDINATOR)
    care.assistances(reader=COORDINATOR)
    care.assistance(family["assistance_id"], reader=COORDINATOR)
    reads = care.access_log()["reads"]
    assert [r["what"] for r in reads] == ["care services", "care service", "fee statement", "care hours",
                                          "dps referrals", "dps referral", "family assistance", "family assistance"]
    assert {(r["staff_id"], r["staff_name"], tuple(r["roles"]), r["request_id"]) for r in reads} == {
        ("acc-7", "Iwona Cicha", (CARE_COORDINATOR,), "req-1")}
    assert reads[1]["subject_ids"] == [str(service_id)] and reads[1]["person_ids"] == [str(person_id)]
    assert reads[5]["person_ids"] == [str(referral["person_id"])] and reads[6]["person_ids"] == [
        str(family["person_id"])] and reads[7]["subject_ids"] == [str(family["assistance_id"])]
    # A person's access request (RODO art. 15): the reads of their file, and only those.
    assert [r["what"] for r in care.access_log(person_id=str(person_id))["reads"]] == [
        "care services", "care service", "fee statement", "care hours"]
    assert care.access_log(staff_id="someone-else")["reads"] == []


def test_a_failed_read_is_not_recorded(care):
    with pytest.raises(NotFound):
        care.care_service(uuid.uuid4(), reader=COORDINATOR)
    service_id, _ = granted_service(care)
    with pytest.raises(InvalidDate, match="a month is YYYY-MM, not 'marzec'"):
        care.statement(service_id, "marzec", reader=COORDINATOR)
    assert care.access_log()["reads"] == []


def test_the_mrpips03_part_is_figures_only(care):
    service_id, carer = granted_service(care)
    care.record_visit(service_id, carer, on="2025-03-10", hours="3", activities=["personal_care"])
    part = care.mrpips03_part(2025, 1)
    assert part == {"uslugi_opiekuncze": {"benefits": Decimal("3"), "amount": Decimal("114.00"), "persons": 1,
                                          "families": 1, "persons_in_families": 1}}
    service = care.care_service(service_id)
    flat = repr(part)
    for personal in (str(service.person_id), str(service_id), "Jan", "Wiśniewski", "2222", SIGNATORY, "Halina"):
        assert personal not in flat
    assert all(isinstance(v, (int, Decimal)) for row in part.values() for v in row.values())


def corrected(notification_id: int, person_id: str, by: str = "intake", **identity) -> Envelope:
    """A correction of a person: intake's own, or casework's passed on for a person it asked care to serve."""
    contract = PERSON_CORRECTED["care"] if by == "intake" else PERSON_CORRECTED_FOR_CARE
    data = {"person_id": person_id, "corrected_on": "2025-04-01", "corrected": sorted(identity),
            "full_name": "Jan Wiśniewski", "birth_date": None, "pesel": None, "document_number": None,
            "address": None, "contact": None, **identity}
    data = {k: v for k, v in data.items() if k in contract.schema["properties"]}
    return Envelope.checked(id=str(uuid.uuid4()), source=source_of(by), type=contract.type,
                            time=datetime.now(timezone.utc), subject=person_id, data=data,
                            notification_id=notification_id)


def test_a_correction_reaches_each_of_the_person_s_care_files_from_the_team_that_told_care_of_them(care):
    person_id = str(uuid.uuid4())
    from_desk, someone_else = routed(1, person_id, "Jan Wiśniewski"), routed(2, full_name="Jan Wiśniewski")
    from_social_work = requested("uslugi_opiekuncze", 1)  # the same person, asked for by their social worker
    from_social_work.data["person_id"] = person_id
    for envelope in (from_desk, someone_else, from_social_work):
        care.process(envelope)
    files = care.person_files(uuid.UUID(person_id))
    everyone = [*files, *care.person_files(uuid.UUID(someone_else.data["person_id"]))]
    by_desk = [f for f in files if f.case_id is None]
    assert len(by_desk) == 2 and len(files) == 3

    # First contact's correction reaches the files the desk opened; the one social work asked for
    # waits for casework's, which passes it on (so one stream, in its order, corrects each file).
    assert care.process(corrected(4, person_id, full_name="Jan Wiśniewski-Kot", contact="+48 600 100 200"))
    for file in (care.repository.get(f.id) for f in everyone):
        file_now = file.person["full_name"]
        if str(file.person_id) != person_id or file.case_id is not None:
            assert file_now == "Jan Wiśniewski" and not file.person_corrections
            continue
        assert file_now == "Jan Wiśniewski-Kot" and file.person["contact"] == "+48 600 100 200"
        assert file.person_corrections == [{"corrected": ["full_name", "contact"], "corrected_on": date(2025, 4, 1),
                                            "old": {"full_name": "Jan Wiśniewski", "contact": None}}]
    assert care.process(corrected(2, person_id, by="casework", full_name="Jan Wiśniewski-Kot",
                                  contact="+48 600 100 200"))
    [asked_for] = [s for s in care.person_files(uuid.UUID(person_id)) if s.case_id is not None]
    # the lists' rows (care's tables) show each of the person's files under the name corrected
    rows = [*care.services()["services"], *care.referrals()["referrals"]]
    assert sorted(r["person"]["full_name"] for r in rows if str(r["person_id"]) == person_id) == [
        "Jan Wiśniewski-Kot"] * 3
    assert asked_for.person["full_name"] == "Jan Wiśniewski-Kot" and asked_for.person_corrections == [
        {"corrected": ["full_name", "contact"], "corrected_on": date(2025, 4, 1),
         "old": {"full_name": "Jan Wiśniewski", "contact": None}}]
    assert care.hours(date(2025, 3, 1), date(2025, 3, 31))["people"] == []  # nothing granted yet
    # The same identity again, or a person care has no file of, changes nothing.
    position = care.recorder.max_notification_id()
    care.process(corrected(5, person_id, full_name="Jan Wiśniewski-Kot", contact="+48 600 100 200"))
    care.process(corrected(3, person_id, by="casework", full_name="Jan Wiśniewski-Kot", contact="+48 600 100 200"))
    care.process(corrected(6, str(uuid.uuid4()), full_name="Ewa Nowak"))
    assert (care.position("intake"), care.position("casework")) == (6, 3)
    assert care.recorder.max_notification_id() == position


def test_a_corrected_visit_and_roster_show_in_the_fee_statement_and_the_hours_and_the_log_keeps_the_old(
        make_database_url):
    url = make_database_url("care_corrections")
    care = CareApplication(url, on_authority_of=AUTHORITY)
    try:
        service_id, carer = granted_service(care)  # Mon and Wed 3 h from 2025-03-10, 40% of 38 zł an hour
        care.record_visit(service_id, carer, on="2025-03-10", hours="3", activities=["personal_care"])
        care.record_visit(service_id, carer, on="2025-03-12", hours="13", activities=["personal_care"])
        substitute = care.register_carer("Ewa Zastępcza", "staff")
        with pytest.raises(NotFound):
            care.correct_visit(service_id, 2, corrected_by="Iwona Cicha", reason="x", corrected_on="2025-03-20",
                               carer_id=uuid.uuid4())
        assert care.correct_visit(service_id, 2, corrected_by="Iwona Cicha", reason="karta pracy: 3 h, zastępstwo",
                                  corrected_on="2025-03-20", carer_id=substitute, hours="3") == ["carer_id", "hours"]
        assert care.correct_visit(service_id, 2, corrected_by="Iwona Cicha", reason="karta pracy",
                                  corrected_on="2025-03-20", activities=[]) == ["activities"]
        # training counted the hours as delivered: it hears of the corrected carer and hours, once
        assert [e.data for e in care.integration_envelopes(after=0, limit=20)[0]
                if e.type == CARE_HOURS_CORRECTED.type] == [{
                    "old_carer": "Halina Kot", "old_hours": 13.0, "old_delivered_on": "2025-03-12",
                    "carer": "Ewa Zastępcza", "hours": 3.0, "delivered_on": "2025-03-12",
                    "corrected_on": "2025-03-20", "kind": "uslugi_opiekuncze"}]
        assert care.correct_roster(service_id, 1, corrected_by="Iwona Cicha", reason="plan z umowy",
                                   corrected_on="2025-03-20", visits=[{"weekday": "mon", "hours": "3"}]) == ["plan"]
        with pytest.raises(NothingToCorrect):
            care.correct_roster(service_id, 1, corrected_by="Iwona Cicha", reason="plan z umowy",
                                corrected_on="2025-03-20", visits=[{"weekday": "mon", "hours": 3}])
    finally:
        care.close()
    again = CareApplication(url, on_authority_of=AUTHORITY)  # read back from the store
    try:
        statement = again.statement(service_id, "2025-03")
        assert (statement["ordered_hours"], statement["delivered_hours"], statement["amount"]) == (
            Decimal(12), Decimal(6), Decimal("91.20"))  # Mondays 10, 17, 24, 31; 6 h at 15.20 zł
        report = again.hours(date(2025, 3, 1), date(2025, 3, 31))
        assert [(c["carer"], c["ordered_hours"], c["delivered_hours"]) for c in report["carers"]] == [
            ("Halina Kot", Decimal(12), Decimal(3)), ("Ewa Zastępcza", Decimal(0), Decimal(3))]
        service = again.care_service(service_id)
        assert [(c["kind"], c["number"], c["corrected_by"], list(c["old"])) for c in service.corrections] == [
            ("visit", 2, "Iwona Cicha", ["carer_id", "hours"]), ("visit", 2, "Iwona Cicha", ["activities"]),
            ("roster", 1, "Iwona Cicha", ["plan"])]
        assert service.corrections[0]["old"]["hours"] == Decimal(13)
    finally:
        again.close()


def test_a_persons_care_file_closes_with_the_last_of_their_services_referrals_and_assistance(care):
    from shared.erasure import PersonFileErased

    service_id, _ = granted_service(care)
    person_id = care.care_service(service_id).person_id
    care.process(requested("dps", 2, person_id=person_id))  # the same person asked for a care home too
    [file] = [r for r in care.person_files(person_id) if isinstance(r, DpsReferral)]
    assert care.file_closed(person_id) is None and list(care.files_closed()) == []  # both open
    care.end(service_id, date(2025, 6, 30), "koniec okresu")
    assert care.file_closed(person_id) is None  # the referral is still open
    care.withdraw_referral(file.id, "2025-07-02", "rodzina zapewniła opiekę")
    assert care.file_closed(person_id) == date(2025, 7, 2)
    assert list(care.files_closed()) == [(person_id, date(2025, 7, 2))]
    # erased: nothing more is written, and intake's correction of the person is left aside
    care.erase(person_id, "RODO art. 17", date(2036, 1, 2), "Operator Olek")
    position = care.recorder.max_notification_id()
    with pytest.raises(PersonFileErased):
        care.gather_document(file.id, "wniosek", "2036-01-03")
    assert care.process(Envelope.checked(
        id=str(uuid.uuid4()), source=source_of("intake"), type=PERSON_CORRECTED["care"].type,
        time=datetime.now(timezone.utc), subject=str(person_id), notification_id=5,
        data={"person_id": str(person_id), "corrected_on": "2036-01-03", "corrected": ["full_name"],
              "full_name": "Zofia Nowak", "birth_date": None, "pesel": None, "document_number": None,
              "address": None, "contact": None}))
    assert care.recorder.max_notification_id() == position and list(care.files_closed()) == []
