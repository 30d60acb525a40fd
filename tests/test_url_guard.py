"""The URL guard: every URL declares who may open it, and each rule holds for every persona.

Object URLs are filled with family A's objects (and establishment 1's in the admin), so that the
other personas' requests are attempts on objects that are not theirs.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from accounts.access import AUTHENTICATED, FAMILY, PUBLIC
from accounts.tenancy import TenantAdminMixin, staff_scope
from conftest import client_for
from tests.figures import report
from tests.html import consumed
from tests.urlwalk import (
    ESTABLISHMENT_KWARGS,
    SHARED_KWARGS,
    admin_object_routes,
    admin_object_url,
    admin_site_samples,
    portal_samples,
    portal_url,
    routes,
    undeclared,
)

FAMILIES = ("family_a", "family_a2", "family_b", "family_c")
# The samples of these arguments are Irina's, or the online payment the first guardian started
# (family A's first guardian's only): family A's second guardian, responsible for Paul, gets
# 404 where they appear.
FIRST_GUARDIANS = {
    "student_id",
    "enrolment_id",
    "evaluation_id",
    "absence_id",
    "performance_id",
    "slug",
    "reference",
}
# Views whose student sample is Paul's (both of family A's guardians are responsible for him).
PAULS = {"reenrolment:waiting_answer"}
STAFF_PERSONAS = ("staff_1", "staff_2", "superuser")


def test_every_url_declares_an_access_rule():
    assert undeclared() == []


@override_settings(ROOT_URLCONF="tests.urls_with_undeclared_view")
def test_guard_reports_a_url_without_access_rule():
    problems = undeclared("tests.urls_with_undeclared_view")
    assert problems == ["undeclared/ (undeclared): no access rule declared"]


@override_settings(ROOT_URLCONF="tests.urls_with_undeclared_view")
def test_undeclared_view_is_refused_to_anonymous_and_staff(world):
    """Deny by default: a view that forgot its rule is a family page, never a public one."""
    response = client_for(None).get("/undeclared/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
    assert client_for(world.staff_1).get("/undeclared/").status_code == 403
    assert client_for(world.family_a.user).get("/undeclared/").status_code == 200


def portal_routes():
    return [route for route in routes() if not route.in_admin]


def expected_portal_statuses(
    rule: str, persona: str, kwargs: tuple[str, ...], view_name: str | None = None
) -> set[int]:
    """What each persona must get from a portal URL whose objects belong to family A (or, for
    ``ESTABLISHMENT_KWARGS``, to establishment 1)."""
    if rule == PUBLIC:
        if "token" in kwargs:
            return {404}  # a calendar address nobody holds (urlwalk's sample)
        return {200, 302, 405}
    if persona == "anonymous":
        return {302}
    if rule == AUTHENTICATED:
        return {200, 302, 405}
    assert rule == FAMILY
    if persona in STAFF_PERSONAS:
        return {403}
    if persona == "family_a":
        return {200, 405}  # every family page opens for its owner (405: a form's POST target)
    if persona == "family_a2":
        if set(kwargs) & FIRST_GUARDIANS and view_name not in PAULS:
            return {404}  # a child of the family this guardian is not responsible for
        # The family's own objects, Paul's and the shared ones (302: the student list goes
        # straight to the only student this guardian sees).
        return {200, 302, 405}
    if set(kwargs) - ESTABLISHMENT_KWARGS - SHARED_KWARGS:
        return {404}  # another family's object
    if set(kwargs) & ESTABLISHMENT_KWARGS and persona == "family_c":
        return {404}  # another establishment's
    return {200, 302, 405}


def test_a_guardians_own_billing_documents_are_theirs_alone(world):
    """Family A's second guardian's invoice, credit note and receipt (the URL samples are the
    family's shared ones): she opens them; the first guardian and every other family get 404,
    staff 403."""
    urls = [
        reverse("billing:invoice_pdf", args=[world.invoice_a2.pk]),
        reverse("billing:invoice_pdf", args=[world.credit_note_a2.pk]),
        reverse("billing:payment_pdf", args=[world.payment_a2.pk]),
    ]
    failures = []
    for persona, user in world.users().items():
        expected = {
            "anonymous": 302,
            "family_a2": 200,
            **dict.fromkeys(STAFF_PERSONAS, 403),
        }.get(persona, 404)
        client = client_for(user)
        for url in urls:
            status = consumed(client.get(url)).status_code
            if status != expected:
                failures.append(f"{persona} GET {url}: {status}, expected {expected}")
    assert failures == []


def test_portal_rules_hold_for_every_persona(world):
    failures = []
    checked = 0
    samples = portal_samples(world)
    for persona, user in world.users().items():
        client = client_for(user)
        for route in portal_routes():
            url = portal_url(route, samples)
            response = consumed(client.get(url))  # a download's file is closed
            checked += 1
            expected = expected_portal_statuses(route.rule, persona, route.kwargs, route.view_name)
            if response.status_code not in expected:
                failures.append(
                    f"{persona} GET {url} [{route.rule}]: {response.status_code}, "
                    f"expected {sorted(expected)}"
                )
            elif persona == "anonymous" and route.rule != PUBLIC:
                location = response["Location"]
                if not location.startswith(f"{reverse('accounts:login')}?next="):
                    failures.append(f"anonymous GET {url}: redirected to {location}")
    report(
        f"URL guard, portal: {len(portal_routes())} URLs x {len(world.users())} personas = "
        f"{checked} requests, {len(failures)} unexpected outcomes"
    )
    assert failures == []


def admin_samples(world):
    """For each model of the admin: its changelist, its add page and one row of establishment 1."""
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        rows = model._default_manager.order_by("pk")
        if isinstance(model_admin, TenantAdminMixin):
            row = staff_scope(rows, world.staff_1).first()
            assert row is not None, f"the personas hold no {model.__name__}: add one to the world"
        else:
            # Configuration and logs (groups, the outbox, login failures): no tenant rows.
            row = rows.first()
        yield model, model_admin, reverse(f"{prefix}_changelist"), "changelist"
        yield model, model_admin, reverse(f"{prefix}_add"), "add"
        if row is not None:
            yield model, model_admin, reverse(f"{prefix}_change", args=[row.pk]), "change"


def test_admin_is_closed_to_anonymous_and_families(world):
    urls = [reverse("admin:index"), reverse("admin:password_change"), "/admin/nowhere/"]
    urls += [url for _model, _admin, url, _kind in admin_samples(world)]
    urls += admin_site_samples(world).values()
    checked = []
    for persona in ("anonymous", *FAMILIES):
        client = client_for(world.users()[persona])
        for url in urls:
            response = client.get(url)
            checked.append(url)
            assert response.status_code == 302, (persona, url, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (persona, url)
    report(
        f"URL guard, admin closed: {len(urls)} URLs x {1 + len(FAMILIES)} personas = "
        f"{len(checked)} requests"
    )


def test_admin_rows_stay_in_their_establishment(world, rf):
    """Staff of establishment 1 open its rows; staff of establishment 2 are sent away."""
    assert client_for(world.staff_1).get(reverse("admin:index")).status_code == 200
    checked = 0
    for _model, model_admin, url, kind in admin_samples(world):
        for persona in STAFF_PERSONAS:
            checked += 1
            user = world.users()[persona]
            request = rf.get(url)
            request.user = user
            can_view = model_admin.has_view_permission(request)
            response = client_for(user).get(url)
            if kind == "add":
                expected = 200 if model_admin.has_add_permission(request) else 403
                assert response.status_code == expected, (persona, url, response.status_code)
            elif not can_view:
                assert response.status_code == 403, (persona, url, response.status_code)
            elif kind == "change" and persona == "staff_2":
                # Another establishment's row "does not exist" for them.
                assert response.status_code == 302, (persona, url, response.status_code)
                assert response["Location"] == reverse("admin:index")
            else:
                assert response.status_code == 200, (persona, url, response.status_code)
    report(f"URL guard, admin rows: {checked} requests of 3 staff personas, as expected")


def test_every_admin_url_of_an_object_stays_in_its_establishment(world):
    """Change, history and delete pages and the admin's downloads (a document's file, a
    duplicate PDF), with a row of establishment 1: its staff open them (or are refused an
    action they lack), the other establishment's staff never do."""
    from django.apps import apps

    checked = 0
    failures = []
    for route, app_label, model_name in admin_object_routes():
        model = apps.get_model(app_label, model_name)
        if not isinstance(admin.site._registry.get(model), TenantAdminMixin):
            continue  # configuration and logs, without establishment
        if route.name is None:
            continue  # Django's redirection of an old address to the change page
        row = staff_scope(model._default_manager.order_by("pk"), world.staff_1).first()
        url = admin_object_url(route, row.pk)
        for persona, allowed in (("staff_1", {200, 302, 403}), ("staff_2", {302, 403, 404})):
            response = consumed(client_for(world.users()[persona]).get(url))
            checked += 1
            # Sent away: the other establishment's staff to the admin's home; its own staff,
            # refused with a reason, to the object's page (a document type still in use).
            location = response.get("Location", "")
            if persona == "staff_2":
                sent_well = location == reverse("admin:index")
            else:
                sent_well = location.startswith("/admin/") and f"/{row.pk}/" in location
            if response.status_code not in allowed:
                failures.append(f"{persona} GET {url}: {response.status_code}")
            elif response.status_code == 302 and not sent_well:
                failures.append(f"{persona} GET {url}: sent to {location}")
    report(f"URL guard, admin objects: {checked} requests of 2 staff personas")
    assert checked > 50 and failures == []


def test_every_two_factor_page_of_the_admin_has_a_sample(world):
    names = {route.view_name for route in routes() if route.in_admin and route.view_name}
    assert {name for name in names if "two_factor" in name} == set(admin_site_samples(world))


def test_the_admins_own_pages_hold_for_every_staff_persona(world):
    """Without a password step, the code page sends everyone to the login; every staff member
    enrols an app of their own; a superuser alone resets a staff member's app."""
    samples = admin_site_samples(world)
    expected = {
        "admin:two_factor_code": {"staff_1": 302, "staff_2": 302, "superuser": 302},
        "admin:two_factor_enrol": {"staff_1": 200, "staff_2": 200, "superuser": 200},
        "admin:accounts_user_two_factor_reset": {"staff_1": 403, "staff_2": 403, "superuser": 200},
    }
    assert set(expected) == set(samples)
    for name, url in samples.items():
        for persona in STAFF_PERSONAS:
            response = client_for(world.users()[persona]).get(url)
            assert response.status_code == expected[name][persona], (persona, url)
            if response.status_code == 302:
                assert response["Location"] == reverse("admin:login"), (persona, url)


@pytest.mark.parametrize(
    "path", ["/eleves/999999999999999999999/", "/eleves/?eleve=99999999999999999999"]
)
def test_out_of_range_identifiers_are_404(world, path):
    assert client_for(world.family_a.user).get(path).status_code == 404


def test_every_wizard_step_holds_for_every_persona_while_a_campaign_is_open(world):
    """With a campaign open in each establishment (every step on) and a draft started for each
    student: every step of every student, GET and POST, for every persona. Another family's
    attempts change nothing; the owner's pages open (or move on)."""
    from reenrolment import services
    from reenrolment.models import ReenrolmentRequest
    from reenrolment.tests.wizard_data import realistic_campaign, step_urls

    campaigns = {
        establishment.pk: realistic_campaign(establishment)
        for establishment in (world.establishment_1, world.establishment_2)
    }
    owners = {}  # each student's personas (Paul has both of family A's guardians)
    for persona in FAMILIES:
        for student in getattr(world, persona).students:
            owners.setdefault(student.pk, set()).add(persona)
    students = list(
        {
            student.pk: student
            for persona in FAMILIES
            for student in getattr(world, persona).students
        }.values()
    )
    for student in students:
        draft = services.request_start(
            campaign=campaigns[student.establishment_id], student=student
        )
        services.request_save_step(request=draft, step="finalisation", answer={"demands": "Avant"})
    drafts = ReenrolmentRequest.objects.filter(campaign__in=campaigns.values())

    def others(persona) -> list:
        """The drafts of the students who are not the persona's."""
        own = getattr(world, persona).family.pk if persona in FAMILIES else None
        rows = drafts.exclude(family=own) if own else drafts
        return sorted(rows.values_list("pk", "status", "answers"))

    login = reverse("accounts:login")
    failures = []
    checked = 0
    # The owners last: their answers change the drafts, the others' never do.
    personas = sorted(world.users(), key=lambda persona: persona in FAMILIES)
    for persona in personas:
        before = others(persona)
        client = client_for(world.users()[persona])
        for student in students:
            for slug, url in step_urls(student).items():
                for method in ("get", "post"):
                    response = getattr(client, method)(
                        url, {"go": "next"} if method == "post" else {}
                    )
                    checked += 1
                    status = response.status_code
                    if persona == "anonymous":
                        ok = status == 302 and response["Location"].startswith(f"{login}?next=")
                    elif persona in STAFF_PERSONAS:
                        ok = status == 403
                    elif persona in owners[student.pk]:
                        ok = status in {200, 302}
                    else:
                        ok = status == 404  # another family's, in this establishment or not
                    if not ok:
                        failures.append(f"{persona} {method.upper()} {url} ({slug}): {status}")
        if others(persona) != before:
            failures.append(f"{persona}'s requests changed a draft not of its family")
    report(f"URL guard, wizard: {checked} requests of {len(personas)} personas")
    assert failures == []
    assert ReenrolmentRequest.objects.filter(campaign__in=campaigns.values()).count() == len(
        students
    )


def test_a_step_the_campaign_switched_off_is_404(world):
    from reenrolment import services
    from reenrolment.tests.wizard_data import realistic_campaign, step_urls

    campaign = realistic_campaign(world.establishment_1)
    campaign.step_documents = False
    campaign.save()
    irina = world.family_a.students[0]
    services.request_start(campaign=campaign, student=irina)
    urls = step_urls(irina)
    client = client_for(world.family_a.user)
    assert client.get(urls["documents"]).status_code == 404
    assert client.post(urls["documents"], {"go": "next"}).status_code == 404
    assert client.get(urls["cours"]).status_code == 200
    unknown = reverse("reenrolment:step", args=[irina.pk, "nulle-part"])
    assert client.get(unknown).status_code == 404
    assert client_for(world.family_b.user).get(urls["documents"]).status_code == 404


def test_once_the_campaign_is_closed_a_post_changes_nothing_and_says_so(world):
    import datetime

    from django.utils import timezone

    from reenrolment import services
    from reenrolment.models import ReenrolmentRequest
    from reenrolment.tests.wizard_data import choose_courses, realistic_campaign, step_urls
    from tests.html import page

    campaign = realistic_campaign(world.establishment_1)
    irina = world.family_a.students[0]
    draft = services.request_start(campaign=campaign, student=irina)
    choose_courses(draft)
    before = ReenrolmentRequest.objects.get(pk=draft.pk).answers
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    client = client_for(world.family_a.user)
    data = {
        "go": "next",
        "action": "start",
        "rules_accepted": "on",
        "administrative": "on",
        "demands": "Après la fermeture",
    }
    urls = [
        *step_urls(irina).values(),
        reverse("reenrolment:start", args=[irina.pk]),
        reverse("reenrolment:decline", args=[irina.pk]),
    ]
    for url in urls:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert "La réinscription n'est pas ouverte en ce moment" in page(response).text, url
    draft.refresh_from_db()
    assert (draft.status, draft.answers) == ("draft", before)
