"""The security headers on every kind of response a user meets: pages (family, visitor,
staff), redirects, errors, the admin, PDFs, downloads (the family's data too), exports and the
payment callback."""

import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import client_for, send_document
from tests.figures import report
from tests.html import consumed

PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def responses(world):
    """(what, response) for every kind of response."""
    family, visitor, staff = (
        client_for(world.family_a.user),
        client_for(None),
        client_for(world.staff_1),
    )
    document = send_document(world.family_a, world.family_document_type)
    yield "family page", family.get(reverse("home"))
    yield "visitor page", visitor.get(reverse("accounts:login"))
    yield "redirect to login", visitor.get(reverse("home"))
    yield "404", family.get("/nulle-part/")
    yield "403 (staff on a family page)", staff.get(reverse("home"))
    yield "form with errors", family.post(reverse("family:identity"), {"postal_code": "ABC"})
    yield "admin page", staff.get(reverse("admin:index"))
    yield (
        "admin change form",
        staff.get(reverse("admin:billing_invoice_change", args=[world.invoice_a.pk])),
    )
    yield "duplicate PDF", family.get(reverse("billing:invoice_pdf", args=[world.invoice_a.pk]))
    yield (
        "document download",
        consumed(family.get(reverse("family:document_file", args=[document.pk]))),
    )
    yield "help download", visitor.get(reverse("accessibility:help_download"))
    yield "family data download (JSON)", family.get(reverse("my_data_json"))
    yield "CSV export", staff.get(reverse("admin:billing_ledger_export", args=["locations"]))
    yield "payment callback", visitor.post(reverse("billing:payment_confirm"), {})


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(world):
    checked = 0
    failures = []
    for what, response in responses(world):
        problems = []
        for header, expected in (
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
        ):
            if response.get(header) != expected:
                problems.append(f"{header}: {response.get(header)!r}")
        permissions = response.get("Permissions-Policy", "")
        if "camera=()" not in permissions or "geolocation=()" not in permissions:
            problems.append(f"Permissions-Policy: {permissions!r}")
        policy = directives(response.get("Content-Security-Policy", ""))
        if policy.get("frame-ancestors") != "'none'":
            problems.append(f"CSP without frame-ancestors 'none': {policy}")
        if "'unsafe-inline'" in str(policy) or "'unsafe-eval'" in str(policy):
            problems.append(f"CSP allows inline code: {policy}")
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            for directive, value in PAGE_POLICY.items():
                if policy.get(directive) != value:
                    problems.append(f"{directive}: {policy.get(directive)!r}, not {value}")
        elif policy.get("default-src") not in {"'none'", "'self'"}:
            problems.append(f"a file without a restrictive policy: {policy}")
        if problems:
            failures.append(f"{what} ({response.status_code}): {problems}")
        checked += 1
    report(f"security headers: {checked} kinds of response checked, {len(failures)} wrong")
    assert checked == 14 and failures == []


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_production_adds_hsts_and_secure_httponly_lax_cookies(world):
    client = client_for(None)
    login = client.get(reverse("accounts:login"), secure=True)
    assert login["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    response = client.post(
        reverse("accounts:login"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
        secure=True,
    )
    assert response.status_code == 302
    for name in ("imuse_sessionid", "sessionid", "csrftoken", "imuse_csrftoken"):
        if name in response.cookies:
            cookie = response.cookies[name]
            assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name
    session_cookies = [name for name in response.cookies if "session" in name]
    assert session_cookies, list(response.cookies)
