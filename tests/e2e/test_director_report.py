"""The director's half-year MRPiPS-03 report: the gateway asks decisions, casework and care for
their parts with the director's own token and combines them; figures only, no person in it."""

from tests.support.waiting import wait_for


def test_the_director_gets_the_half_year_report_with_figures_and_no_person(centre):
    for service in ("intake", "casework", "decisions", "care"):
        centre.start(service)
    for number, name in ((51, "Ala Raportowa"), (52, "Olek Raportowy")):
        contact = centre.talk(centre.register(name, number), reasons_for_help=["ubostwo", "bezrobocie"])
        assert centre.route(contact, "casework", "wsparcie").status_code == 201
    wait_for(lambda: len(centre.open_cases()) == 2, what="two families in social work")
    director = centre.as_role("director")
    gateway = centre.url("gateway")
    report = director.ok(director.http.get(f"{gateway}/reports/mrpips03", params={"year": 2026, "half": 2},
                                           timeout=30), 200)
    rows = {r["key"]: r for r in report["rows"]}
    assert report["form"] == "MRPiPS-03" and (report["from"], report["to"]) == ("2026-07-01", "2026-12-31")
    assert (rows["praca_socjalna"]["team"], rows["praca_socjalna"]["families"]) == ("casework", 2)
    assert rows["powod_bezrobocie"]["families"] == 2
    assert "Raportow" not in str(report) and "PESEL" not in str(report).upper()
    csv = director.http.get(f"{gateway}/reports/mrpips03", params={"year": 2026, "half": 2, "format": "csv"},
                            timeout=30)
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert "MRPiPS-03-2026-2.csv" in csv.headers["Content-Disposition"] and "Raportow" not in csv.text
    for role in ("social_work_team_leader", "benefit_officer", "auditor", "operator"):
        assert centre.as_role(role).http.get(f"{gateway}/reports/mrpips03", params={"year": 2026, "half": 2},
                                             timeout=30).status_code == 403
    assert director.http.get(f"{gateway}/reports/mrpips03", params={"year": "x", "half": 2},
                             timeout=30).json()["field"] == "year"
