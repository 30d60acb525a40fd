"""Walks every URL pattern of the resolver, for the URL guard and the accessibility sweep."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.access import PUBLIC, STAFF, declared_rule
from conftest import client_for


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    namespaces: tuple[str, ...]
    callback: object
    kwargs: tuple[str, ...]

    @property
    def view_name(self) -> str | None:
        if self.name is None:
            return None
        return ":".join((*self.namespaces, self.name))

    @property
    def rule(self) -> str | None:
        return declared_rule(self.callback, self.namespaces)

    @property
    def in_admin(self) -> bool:
        return "admin" in self.namespaces


def _walk(patterns, prefix: str, namespaces: tuple[str, ...], kwargs: tuple[str, ...]):
    for entry in patterns:
        own_kwargs = kwargs + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            child_namespaces = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), child_namespaces, own_kwargs
            )
        elif isinstance(entry, URLPattern):
            yield Route(
                pattern=prefix + str(entry.pattern),
                name=entry.name,
                namespaces=namespaces,
                callback=entry.callback,
                kwargs=own_kwargs,
            )


def routes(urlconf: str | None = None) -> list[Route]:
    """Every URL pattern of the URLconf, with the access rule its view declares."""
    return list(_walk(get_resolver(urlconf).url_patterns, "", (), ()))


def undeclared(urlconf: str | None = None) -> list[str]:
    """Patterns whose view declares no access rule, or which have no name to test them by."""
    problems = []
    for route in routes(urlconf):
        if route.rule is None:
            problems.append(f"{route.pattern} ({route.view_name}): no access rule declared")
        elif route.name is None and not route.in_admin:
            problems.append(f"{route.pattern}: no URL name, the guard cannot reach it")
    return problems


class MissingSample(LookupError):
    pass


def portal_url(route: Route, samples: dict[str, object]) -> str:
    """The URL of a portal route, its arguments taken from ``samples``: ``"view:kwarg"`` for
    one view, else ``"kwarg"``."""
    kwargs = {}
    for kwarg in route.kwargs:
        for key in (f"{route.view_name}:{kwarg}", kwarg):
            if key in samples:
                kwargs[kwarg] = samples[key]
                break
        else:
            raise MissingSample(
                f"{route.pattern}: no sample value for <{kwarg}>; add one to the guard's samples"
            )
    return reverse(route.view_name, kwargs=kwargs)


# URL arguments naming what an establishment offers all its families (a document type):
# another family of the same establishment opens them too; another establishment's gets 404.
ESTABLISHMENT_KWARGS = {"type_id"}
# URL arguments naming a choice every family has (its fee or rental ledger): nobody's object.
SHARED_KWARGS = {"ledger"}


def portal_samples(world) -> dict[str, object]:
    """Arguments for the portal's object URLs: always family A's objects, and establishment
    1's shared ones."""
    return {
        "student_id": world.family_a.students[0].pk,
        "document_id": world.document_a.pk,
        "family:document:type_id": world.family_document_type.pk,
        "students:document:type_id": world.student_document_type.pk,
        "enrolment_id": world.enrolment_a.pk,
        "students:history_record:enrolment_id": world.past_enrolment_a.pk,
        "evaluation_id": world.evaluation_a.pk,
        "absence_id": world.absence_a.pk,
        "performance_id": world.performance_a.pk,
        "slug": "coordonnees",
        "invoice_id": world.invoice_a.pk,
        "payment_id": world.payment_a.pk,
        "reference": world.attempt_a.reference,
        "ledger": "locations",
        "waiting_id": world.waiting_a.pk,
        "reenrolment:waiting_answer:student_id": world.waiting_a.request.student_id,
        # A calendar address is its own key (family/tests/test_calendar.py reads real ones):
        # here, one nobody holds, which every persona gets as 404.
        "token": "no-such-address",
    }


# Portal URLs that are not pages: the targets of forms, which redirect or refuse a GET, and
# file downloads.
NOT_PAGES = {
    "accounts:set_language",
    "calendar_feed",
    "family:document_file",
    "my_data_json",
    "billing:invoice_pdf",
    "billing:payment_pdf",
    "billing:pay",
    "billing:payment_confirm",
    "accessibility:mode",
    "accessibility:shortcuts",
    "accessibility:help_download",
    "healthz",
    "source_archive",
    "licence_text",
}


def admin_site_samples(world) -> dict[str, str]:
    """The admin's pages beyond each model's list, add and change pages that ``admin_samples``
    walks: the code step of the login, the enrolment of an authentication app, and the reset
    of establishment 1's staff member's app; by URL name."""
    return {
        "admin:two_factor_code": reverse("admin:two_factor_code"),
        "admin:two_factor_enrol": reverse("admin:two_factor_enrol"),
        "admin:accounts_user_two_factor_reset": reverse(
            "admin:accounts_user_two_factor_reset", args=[world.staff_1.pk]
        ),
    }


def readable_pages(world):
    """Every portal page a family (or a visitor, for public ones) opens, each checked to be 200."""
    samples = portal_samples(world)
    for route in routes():
        if route.rule == STAFF or route.view_name in NOT_PAGES:
            continue
        user = None if route.rule == PUBLIC else world.family_a.user
        url = portal_url(route, samples)
        status = client_for(user).get(url).status_code
        assert status == 200, f"{url} answers {status} to {'family A' if user else 'a visitor'}"
        yield url, user


def admin_object_routes():
    """(route, app_label, model_name) of every admin URL naming one object: change, history,
    delete, and the admin's own downloads (a document's file, a duplicate PDF)."""
    for route in routes():
        if not route.in_admin or not ({"object_id", "id"} & set(route.kwargs)):
            continue
        match = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
        if match:
            yield route, match.group(1), match.group(2)


def admin_object_url(route, pk) -> str:
    pattern = route.pattern.removeprefix("admin/")
    path = re.sub(r"<(?:\w+:)?(object_id|id)>", str(pk), pattern)
    return f"/admin/{path}"
