"""The canary sweep: a unique string planted in every text of every row says whose row it is;
every page, PDF, export, e-mail, admin list, list filter and autocomplete answer a persona can
reach is searched for the strings of rows that are not theirs.

Each row's text fields are rewritten to ``canary_<owner>_<model><pk>``, the owner being the
family the row belongs to (``fa``, ``fb``, ``fc``) or, for what an establishment shares with its
families (courses, teachers, document types...), the establishment (``e1``, ``e2``). Family A
may read ``fa`` and ``e1``; staff of establishment 1 read ``fa``, ``fb`` and ``e1``; and so on.
Family A has two guardians with a login of their own: its rows that are one guardian's only
(Irina's, a guardian's own record, login, invoices, receipts, invitations, online payments,
files not sent yet) are ``fa1`` or ``fa2``, read from the rows themselves and not from the
tenancy layer under test; a billing document's name and address carry the canary of whom it
was made out to, so that a document one guardian reads and naming the other is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.urls import reverse
from mailer.models import Message

from accounts.access import PUBLIC, STAFF
from accounts.tenancy import TENANT_SHARED, TenantAdminMixin, staff_scope
from billing.models import Ledger
from billing.tests.test_views import pdf_text
from conftest import client_for
from family import services as family_services
from tests.figures import report
from tests.urlwalk import (
    NOT_PAGES,
    admin_object_routes,
    admin_object_url,
    portal_samples,
    portal_url,
    routes,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "family", "students", "billing", "reenrolment", "accessibility"}
CANARY = re.compile(r"canary_(fa1|fa2|fa|fb|fc|e1|e2)_", re.IGNORECASE)
# Texts that are not shown as such: a file's type decides how it is served, a payment's
# reference is its URL; the establishment's name is public (the login page lists them all).
NOT_PLANTED = {
    ("family", "document", "mime_type"),
    ("billing", "paymentattempt", "reference"),
    ("accounts", "user", "password"),
}
NOT_PLANTED_MODELS = {"accounts.Establishment"}


def _owners(world) -> tuple[dict[int, str], dict[int, str]]:
    families = {
        world.family_a.family.pk: "fa",
        world.family_b.family.pk: "fb",
        world.family_c.family.pk: "fc",
    }
    establishments = {world.establishment_1.pk: "e1", world.establishment_2.pk: "e2"}
    return families, establishments


def _family_path(model) -> str | None:
    if model._meta.label == "accounts.User":
        return "guardian__family"
    path = getattr(model, "tenant_family_path", None)
    return None if path == TENANT_SHARED else path


def _checked(model_field) -> bool:
    """A field whose values are checked (phones, e-mails, identifiers): its canary would make
    the record invalid, and the services that save it refuse it."""
    return any(
        not isinstance(validator, MaxLengthValidator | ProhibitNullCharactersValidator)
        for validator in model_field.validators
    )


def _text_fields(model):
    for model_field in model._meta.concrete_fields:
        key = (model._meta.app_label, model._meta.model_name, model_field.name)
        if (
            isinstance(model_field, models.CharField | models.TextField)
            and not model_field.choices
            and not model_field.primary_key
            and key not in NOT_PLANTED
            and not _checked(model_field)
        ):
            yield model_field


def _plant_json(value, text: str):
    """The string leaves of a JSON value (an audit entry's details, a change request's old and
    new values) replaced by ``text``; keys and other types kept."""
    if isinstance(value, dict):
        return {key: _plant_json(item, text) for key, item in value.items()}
    if isinstance(value, list):
        return [_plant_json(item, text) for item in value]
    return text if isinstance(value, str) and value else value


def _has_establishment(model) -> bool:
    return any(f.name == "establishment" for f in model._meta.concrete_fields)


def _owner_paths(model) -> tuple[str, str | None] | None:
    """How a row reaches its establishment and its family: directly, or through its parent
    (an invoice's lines, a payment's settlements); None for rows of no establishment."""
    if _has_establishment(model):
        return "establishment_id", _family_path(model)
    for parent in model._meta.concrete_fields:
        if parent.is_relation and parent.many_to_one and _has_establishment(parent.related_model):
            family = _family_path(parent.related_model)
            return (
                f"{parent.name}__establishment_id",
                f"{parent.name}__{family}" if family else None,
            )
    return None


def _emails(model):
    """E-mail fields get a canary that is an address, so that the records stay valid."""
    return [f for f in model._meta.concrete_fields if isinstance(f, models.EmailField)]


def _guardian_owners(world, model) -> dict[int, str]:
    """Family A's rows of a model that belong to one of its two guardians only, ``fa1`` or
    ``fa2``, read from the rows themselves (never from the tenancy layer the sweep checks): a
    row of Irina (whose only guardian is the first), a row paid by or held by one guardian, a
    change asked about one's record, a file one imported and has not sent."""
    first, second = world.family_a.guardian, world.family_a2.guardian
    by_guardian = {first.pk: "fa1", second.pk: "fa2"}
    by_login = {first.user_id: "fa1", second.user_id: "fa2"}
    irina = world.family_a.students[0].pk
    label = model._meta.label
    if label == "accounts.User":  # each guardian's own login
        return by_login
    path = _family_path(model)
    if path is None:
        return {}
    rows = model._default_manager.filter(**{path: world.family_a.family.pk})
    owners: dict[int, str] = {}
    student_path = getattr(model, "tenant_student_path", None)
    if student_path is not None:
        for pk, student in rows.values_list("pk", student_path):
            if student == irina:
                owners[pk] = "fa1"
    for attribute in ("tenant_payer_path", "tenant_guardian_path"):
        guardian_path = getattr(model, attribute, None)
        if guardian_path is not None:
            for pk, guardian in rows.values_list("pk", guardian_path):
                if guardian in by_guardian:
                    owners[pk] = by_guardian[guardian]
    if label == "family.ChangeRequest":
        for request in rows:
            record = request.content_type.model_class()
            if record.__name__ == "Guardian" and request.object_id in by_guardian:
                owners[request.pk] = by_guardian[request.object_id]
            elif record.__name__ == "Student" and request.object_id == irina:
                owners[request.pk] = "fa1"
    if label == "family.Document":
        drafts = rows.filter(status="draft").values_list("pk", "uploaded_by")
        owners.update({pk: by_login[login] for pk, login in drafts if login in by_login})
    return owners


def _snapshot_owners(world) -> dict[tuple[str, int], str]:
    """Whom each issued billing document of family A is made out to, read from the name it
    was issued with (before planting): a guardian (``fa1``, ``fa2``: their name and address
    are on it) or the family (``fa``). The planted name and address then carry that owner,
    so that a document one guardian reads and naming the other is caught, whatever its payer."""
    from billing.models import Invoice, Payment

    guardians = {
        world.family_a.guardian.full_name: "fa1",
        world.family_a2.guardian.full_name: "fa2",
    }
    owners = {}
    for model in (Invoice, Payment):
        issued = model._default_manager.filter(family=world.family_a.family).exclude(number="")
        for pk, name in issued.values_list("pk", "family_name"):
            owner = next((o for full, o in guardians.items() if name.endswith(full)), "fa")
            owners[(model._meta.label, pk)] = owner
    return owners


def _child_guardian_owners(world, model) -> dict[int, str]:
    """Rows reached through their parent (an invoice's lines, a payment's settlements): their
    parent's guardian owner."""
    for parent in model._meta.concrete_fields:
        if parent.is_relation and parent.many_to_one and _has_establishment(parent.related_model):
            owners = _guardian_owners(world, parent.related_model)
            rows = model._default_manager.values_list("pk", parent.attname)
            return {pk: owners[parent_pk] for pk, parent_pk in rows if parent_pk in owners}
    return {}


def plant(world) -> int:
    """Every text of every tenant row rewritten with its owner's canary; the count of texts."""
    families, establishments = _owners(world)
    snapshots = _snapshot_owners(world)
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.label in NOT_PLANTED_MODELS:
            continue
        paths = _owner_paths(model)
        if paths is None:
            continue
        establishment_path, path = paths
        columns = ["pk", establishment_path] + ([path] if path else [])
        json_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        by_guardian = (
            _guardian_owners(world, model)
            if _has_establishment(model)
            else _child_guardian_owners(world, model)
        )
        for row in model._default_manager.values_list(*columns):
            pk, establishment_id = row[0], row[1]
            family_id = row[2] if path else None
            owner = (
                by_guardian.get(pk)
                or families.get(family_id)
                or establishments.get(establishment_id)
            )
            if owner is None:
                continue
            text = f"canary_{owner}_{model._meta.model_name[:6]}{pk}"
            values = {
                f.name: text[: f.max_length] if f.max_length else text
                for f in _text_fields(model)
                if f.max_length is None or f.max_length >= len(f"canary_{owner}_") + 2
            }
            values |= {f.name: f"{text}@example.org" for f in _emails(model)}
            if json_fields:
                current = model._default_manager.filter(pk=pk).values(
                    *(f.name for f in json_fields)
                )[0]
                values |= {name: _plant_json(value, text) for name, value in current.items()}
            snapshot = snapshots.get((model._meta.label, pk))
            if snapshot is not None:
                values |= dict.fromkeys(
                    ("family_name", "family_address"), f"canary_{snapshot}_snap{pk}"
                )
            model._default_manager.filter(pk=pk).update(**values)
            planted += len(values)
    return planted


def owners_in(content: str) -> set[str]:
    return {match.group(1).lower() for match in CANARY.finditer(content)}


def readable(response) -> str:
    # Read to its end: a download's file is then closed.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(content)
    return content.decode("utf-8", errors="replace")


@dataclass
class Sweep:
    allowed: dict[str, set[str]]
    read: int = 0
    found: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)  # the persona's own canaries met

    def check(self, persona: str, what: str, content: str) -> None:
        self.read += 1
        owners = owners_in(content)
        self.seen.setdefault(persona, set()).update(owners & self.allowed[persona])
        for owner in sorted(owners - self.allowed[persona]):
            self.found.append(f"{persona}: canary_{owner}_ in {what}")


ALLOWED = {
    "family_a": {"fa", "fa1", "e1"},
    "family_a2": {"fa", "fa2", "e1"},
    "family_b": {"fb", "e1"},
    "family_c": {"fc", "e2"},
    "staff_1": {"fa", "fa1", "fa2", "fb", "e1"},
    "staff_2": {"fc", "e2"},
}
# Query strings a family types or a link carries: search boxes, the student picker, returns.
QUERIES = ("", "?q=canary", "?eleve=1&q=canary", "?retour=/&next=/")


def sweep_portal(world, sweep: Sweep) -> None:
    """Every page and download of the portal, for a family with objects (A) and one of the other
    establishment (C) who reaches only its lists; family A's object URLs tried by B and C."""
    samples = portal_samples(world)
    for persona in ("family_a", "family_a2", "family_b", "family_c"):
        client = client_for(world.users()[persona])
        for route in routes():
            if route.rule == STAFF or route.in_admin:
                continue
            url = portal_url(route, samples)
            queries = QUERIES if route.view_name not in NOT_PAGES else ("",)
            for query in queries:
                response = client.get(url + query)
                if route.rule == PUBLIC or response.status_code in {200, 404}:
                    sweep.check(persona, f"GET {url}{query}", readable(response))
        # Every duplicate of family A: those both guardians read, and each one's own.
        for url in _family_a_duplicates(world):
            response = client.get(url)
            sweep.check(persona, f"GET {url} ({response.status_code})", readable(response))


def _family_a_duplicates(world) -> list[str]:
    from billing.models import Invoice, Payment

    family = world.family_a.family
    invoices = Invoice.objects.filter(family=family).exclude(number="")
    payments = Payment.objects.filter(family=family).exclude(number="")
    return [reverse("billing:invoice_pdf", args=[i.pk]) for i in invoices] + [
        reverse("billing:payment_pdf", args=[p.pk]) for p in payments
    ]


def mail_family_a(world) -> None:
    """The mails family A receives: acknowledgement and outcome of a change, a refused
    document, a new password."""
    from accounts.services import temporary_password_send

    guardian = type(world.family_a.guardian)._default_manager.get(pk=world.family_a.guardian.pk)
    request = family_services.change_request_submit(
        record=guardian, values={"city": "ORLÉANS"}, requested_by=world.family_a.user
    )
    family_services.change_request_approve(change_request=request, decided_by=world.staff_1)
    family_services.document_refuse(
        document=world.document_a, decided_by=world.staff_1, reason="illisible"
    )
    user = type(world.family_a.user)._default_manager.get(pk=world.family_a.user.pk)
    assert temporary_password_send(
        establishment=user.establishment,
        identifier=user.identifier,
        email=user.email,
        login_url="http://testserver/connexion/",
    )


def sweep_mail(world, sweep: Sweep) -> int:
    mail_family_a(world)
    messages = list(Message.objects.all())
    logins = type(world.family_a.user)._default_manager  # the addresses as planted
    readers = {
        logins.get(pk=world.family_a.user.pk).email: "family_a",
        logins.get(pk=world.family_a2.user.pk).email: "family_a2",
    }
    for message in messages:
        mail = message.email
        parts = [mail.subject, mail.body, *(content for content, _type in mail.alternatives)]
        for address in mail.to:
            sweep.check(readers[address], f"mail {mail.subject!r} to {address}", "\n".join(parts))
    return len(messages)


def sweep_admin(world, sweep: Sweep) -> int:
    """For each staff member: the admin home, every list (plain, searched, with facets), every
    add form, every URL of an object of each establishment, every autocomplete answer, every
    export action over every row id (the other establishment's included) and the ledgers."""
    autocompletes = 0
    registry = admin.site._registry
    for persona in ("staff_1", "staff_2"):
        user = world.users()[persona]
        client = client_for(user)
        sweep.check(persona, "admin home", readable(client.get(reverse("admin:index"))))
        for model, model_admin in registry.items():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            changelist = reverse(f"{prefix}_changelist")
            for query in ("", "?q=canary", "?_facets=True", "?o=1"):
                response = client.get(changelist + query)
                sweep.check(persona, f"GET {changelist}{query}", readable(response))
            sweep.check(
                persona, f"GET {prefix}_add", readable(client.get(reverse(f"{prefix}_add")))
            )
            pks = list(model._default_manager.values_list("pk", flat=True))
            for action in model_admin.get_actions(_request(user)):
                if "export" in action:
                    response = client.post(
                        changelist, {"action": action, "_selected_action": pks, "index": 0}
                    )
                    sweep.check(persona, f"action {action} on {changelist}", readable(response))
            for owner in [model_admin, *model_admin.get_inline_instances(_request(user))]:
                for field_name in owner.get_autocomplete_fields(_request(user)):
                    for term in ("", "canary"):
                        response = client.get(
                            reverse("admin:autocomplete"),
                            {
                                "app_label": owner.model._meta.app_label,
                                "model_name": owner.model._meta.model_name,
                                "field_name": field_name,
                                "term": term,
                            },
                        )
                        autocompletes += 1
                        sweep.check(
                            persona,
                            f"autocomplete {owner.model.__name__}.{field_name} {term!r}",
                            readable(response),
                        )
        for route, app_label, model_name in admin_object_routes():
            model = apps.get_model(app_label, model_name)
            rows = model._default_manager.order_by("pk")
            if hasattr(rows, "for_establishment") or model._meta.label in NOT_PLANTED_MODELS:
                # A row of each establishment: staff open theirs, are sent away from the other.
                found = [
                    staff_scope(rows, staff).first() for staff in (world.staff_1, world.staff_2)
                ]
            else:
                found = [rows.first()]  # the outbox, login failures, groups: no tenant rows
            for row in filter(None, found):
                url = admin_object_url(route, row.pk)
                sweep.check(persona, f"GET {url}", readable(client.get(url)))
        for ledger in Ledger.values:
            url = reverse("admin:billing_ledger_export", args=[ledger])
            sweep.check(persona, f"GET {url}", readable(client.get(url)))
    return autocompletes


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_no_canary_of_another_family_or_establishment_is_found(world):
    planted = plant(world)
    sweep = Sweep(allowed=ALLOWED)
    sweep_portal(world, sweep)
    mails = sweep_mail(world, sweep)
    autocompletes = sweep_admin(world, sweep)
    report(
        f"canary sweep: {planted} texts planted, {sweep.read} responses read (pages, PDFs, "
        f"CSV, {autocompletes} autocomplete answers, {mails} mails) by 5 personas, "
        f"{len(sweep.found)} canaries of others found"
    )
    assert sweep.read > 1000
    assert sweep.seen == ALLOWED  # the planted texts do reach each persona's pages
    assert sweep.found == [], "\n".join(sweep.found)


def test_the_sweep_finds_a_planted_canary(world):
    """The sweep is not blind: a page showing another family's name is caught."""
    plant(world)
    sweep = Sweep(allowed=ALLOWED)
    other = type(world.family_b.family)._default_manager.get(pk=world.family_b.family.pk)
    sweep.check("family_a", "a faulty page", f"<td>{other.name}</td>")
    assert sweep.found and "canary_fb_" in sweep.found[0]


def test_staff_forms_offer_no_row_of_another_establishment(world):
    """Every foreign-key and many-to-many choice of every admin form and inline (a forged value
    is refused by the form because it is not among them)."""
    checked = 0
    problems = []
    for persona, other in (("staff_1", world.establishment_2), ("staff_2", world.establishment_1)):
        user = world.users()[persona]
        request = _request(user)
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, TenantAdminMixin):
                continue
            row = staff_scope(model._default_manager.order_by("pk"), user).first()
            forms = [model_admin.get_form(request, row)]
            forms += [
                formset.form
                for formset, _inline in model_admin.get_formsets_with_inlines(request, row)
            ]
            for form_class in forms:
                for name, form_field in form_class.base_fields.items():
                    queryset = getattr(form_field, "queryset", None)
                    if queryset is None:
                        continue
                    checked += 1
                    foreign = _other_establishment_rows(queryset, other)
                    if foreign:
                        problems.append(f"{persona}: {model.__name__}.{name} offers {foreign}")
    report(f"admin form choices: {checked} choice fields checked for 2 staff, {len(problems)} open")
    assert checked > 20
    assert problems == []


def _other_establishment_rows(queryset, other) -> list:
    model = queryset.model
    if model._meta.label == "accounts.Establishment":
        return list(queryset.filter(pk=other.pk))
    if any(f.name == "establishment" for f in model._meta.concrete_fields):
        return list(queryset.filter(establishment=other)[:3])
    return []  # groups, permissions, content types: configuration shared by design
