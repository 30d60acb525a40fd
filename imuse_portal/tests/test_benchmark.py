"""make bench's pieces that can be checked without timing anything: the probe it runs inside
each database, the bare view of its URLconf, and the verdicts it prints."""

import io
import json

from django.core.management import call_command
from django.test import Client, override_settings

from imuse_portal import benchmark
from imuse_portal.tests.test_generate_data import generate


def probe(*arguments):
    out = io.StringIO()
    call_command("bench_probe", *arguments, stdout=out)
    return json.loads(out.getvalue())


def test_the_probe_lists_the_measured_pages_and_counts_their_queries(db):
    generate(3, 1)
    facts = probe("pages")
    assert facts["identifier"] == "famille1" and facts["families"] == 3
    assert {"Accueil", "Cours", "Fiche d'historique", "Facturation"} <= set(facts["pages"])
    assert all(path.endswith("duplicata.pdf") for path in facts["documents"])
    counts = probe("queries")["queries"]
    assert counts.keys() == facts["pages"].keys()
    assert all(1 <= count <= 12 for count in counts.values()), counts


def test_the_seats_are_reset_for_each_run(db):
    first = probe("seats")
    assert len(first["send"]) == 50 and first["seats"] == 10
    assert probe("seats-held") == {"taken": 0, "choices": 0, "sent": 0}
    from reenrolment.models import ReenrolmentRequest, Slot

    ReenrolmentRequest.objects.filter(campaign__establishment__code="banc").update(
        status="submitted"
    )
    Slot.objects.filter(establishment__code="banc").update(taken=10)
    again = probe("seats")
    assert again["send"] == first["send"]
    assert probe("seats-held") == {"taken": 0, "choices": 0, "sent": 0}


@override_settings(ROOT_URLCONF="imuse_portal.urls_bench")
def test_the_bare_view_answers_a_family_and_nothing_else(db, world):
    client = Client()
    assert client.get("/banc-d-essai/nu/").status_code == 302  # to the login page
    client.force_login(world.family_a.user)
    response = client.get("/banc-d-essai/nu/")
    assert response.status_code == 200 and response.content == b"ok"


def run(rps=500.0, p95=20.0, queries=6):
    page = {"rps": rps, "p50": 10.0, "p95": p95, "p99": 30.0, "socket_errors": 0, "bad_status": 0}
    bare = {**page, "rps": 1000.0}
    seats = {
        "sent": 10, "sent back": 40, "errors": 0, "seats": 10, "p50": 50.0, "p95": 90.0,
        "per_second": 100.0, "held": {"taken": 10, "choices": 10, "sent": 10},
    }  # fmt: skip
    return {
        "bare": bare,
        "Accueil": page,
        "Duplicata (déjà rendu)": {**page, "rps": 800.0},
        "Connexion (POST)": {**page, "rps": 5.0},
        "first_render_ms": {"median": 120.0, "max": 200.0},
        "seats": seats,
    }


def verdicts(small, large, queries_small=6, queries_large=6, scans=None):
    sizes = benchmark.QUICK
    lines, ok = benchmark.report(
        sizes,
        {"small": [small], "large": [large]},
        {"small": {"Accueil": queries_small}, "large": {"Accueil": queries_large}},
        scans,
        benchmark.Settings(seconds=1, connections=2, workers=2),
        "SQLite",
        ["Machine: the test's"],
    )
    return [line for line in lines if line.startswith(("PASS", "FAIL"))], ok


def test_the_budgets_pass_when_met_and_fail_by_name_when_missed():
    lines, ok = verdicts(run(), run())
    assert ok and all(line.startswith("PASS") for line in lines)

    lines, ok = verdicts(run(), run(rps=200.0))  # 20% of the bare view
    assert not ok
    assert [line for line in lines if line.startswith("FAIL")] == [
        "FAIL  2,000 families: every family page ≥ 25% of the bare view's throughput "
        "(lowest: Accueil, 20%)"
    ]

    lines, ok = verdicts(run(), run(p95=30.0), queries_large=7)
    failed = [line for line in lines if line.startswith("FAIL")]
    assert len(failed) == 2
    assert "10 SQL queries" in failed[0] and "p95" in failed[1] and "Accueil, 1.50" in failed[1]

    lines, ok = verdicts(run(), run(), scans={"Accueil": ["students_enrolment"]})
    assert not ok and "students_enrolment" in lines[-1]


def test_the_report_runs_no_program(monkeypatch):
    """A fresh machine has no wrk: formatting the report must not run it (make bench alone does)."""

    def no_program(*args, **kwargs):
        raise FileNotFoundError(args[0][0])

    monkeypatch.setattr(benchmark.subprocess, "run", no_program)
    lines, ok = verdicts(run(), run())
    assert ok and lines
