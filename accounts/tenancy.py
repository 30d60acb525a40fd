"""The one place where scoping lives: which rows a family, a staff member or a superuser reaches.

* ``TenantQuerySet``: every tenant model's manager is built from it. ``for_establishment(e)``,
  ``for_family(f)`` and ``for_user(user)`` are the only filters views and admin use.
  A model says how it reaches its family with ``tenant_family_path`` (``"family"``,
  ``"student__family"``, ``"pk"`` for the family itself), or ``TENANT_SHARED`` for
  establishment-wide records families may read (school years, courses). Without it, families
  reach none of its rows.
* Within a family, each guardian's login reaches what concerns them (separated parents): a
  model names the path to its student (``tenant_student_path``: the students the guardian is
  responsible for, or every student of the family when none is named; with
  ``tenant_student_optional``, rows of no student are everyone's), to its payer
  (``tenant_payer_path``: the guardian's, or the family's when none is set) or to its guardian
  (``tenant_guardian_path``: the guardian's own only); or defines ``tenant_guardian_q``.
* ``scoped(request, model)`` and ``get_object_for(request, model, **lookup)``: the access helpers
  views call; another family's or establishment's object is a 404, never a 403, so that its
  existence does not leak.
* ``TenantAdminMixin``: filters admin lists, change views, foreign-key and many-to-many choices,
  autocomplete answers, list filters and actions by the staff user's establishment.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.admin_a11y import LabelledWidgetsMixin
from accounts.admin_lookups import SecretLookupsRefusedMixin
from accounts.audit import AuditedAdminMixin

TENANT_SHARED = "__shared__"


def family_id_for(user) -> int | None:
    """The family a family login belongs to (through its guardian), cached on the user."""
    if not getattr(user, "is_authenticated", False) or user.is_staff or user.is_superuser:
        return None
    if not hasattr(user, "_tenant_family_id"):
        try:
            # "guardian" is the reverse name of family.Guardian.user; accounts does not import it.
            user._tenant_family_id = user.guardian.family_id
        except ObjectDoesNotExist:
            user._tenant_family_id = None
    return user._tenant_family_id


def guardian_id_for(user) -> int | None:
    """The guardian a family login belongs to, cached on the user."""
    if family_id_for(user) is None:
        return None
    if not hasattr(user, "_tenant_guardian_id"):
        user._tenant_guardian_id = user.guardian.pk
    return user._tenant_guardian_id


def visible_students(family_id: int, guardian_id: int) -> models.QuerySet:
    """The ids of the family's students a guardian is responsible for (a subquery): those
    naming the guardian, and those naming none of the family's guardians (every guardian of
    the family; a guardian of a family the student left counts for nothing)."""
    student = apps.get_model("students", "Student")
    through = student.responsible_guardians.through
    named = through.objects.filter(
        student=models.OuterRef("pk"), guardian__family=models.OuterRef("family")
    )
    named_others = named.exclude(guardian=guardian_id)
    named_self = named.filter(guardian=guardian_id)
    return (
        student.objects.filter(family=family_id)
        .filter(models.Exists(named_self) | ~models.Exists(named_others))
        .values("pk")
    )


def guardian_q(model, family_id: int, guardian_id: int) -> models.Q | None:
    """What one guardian of the family reaches of a model's family rows (None: all of them)."""
    conditions = []
    student_path = getattr(model, "tenant_student_path", None)
    if student_path is not None:
        students = visible_students(family_id, guardian_id)
        if student_path == "pk":
            conditions.append(models.Q(pk__in=students))
        else:
            within = models.Q(**{f"{student_path}__in": students})
            if getattr(model, "tenant_student_optional", False):
                within |= models.Q(**{f"{student_path}__isnull": True})
            conditions.append(within)
    payer_path = getattr(model, "tenant_payer_path", None)
    if payer_path is not None:
        conditions.append(
            models.Q(**{f"{payer_path}__isnull": True}) | models.Q(**{payer_path: guardian_id})
        )
    guardian_path = getattr(model, "tenant_guardian_path", None)
    if guardian_path is not None:
        conditions.append(models.Q(**{guardian_path: guardian_id}))
    if hasattr(model, "tenant_guardian_q"):
        conditions.append(
            model.tenant_guardian_q(guardian_id, visible_students(family_id, guardian_id))
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined &= condition
    return combined


class TenantQuerySet(models.QuerySet):
    """Row scoping for models that carry an ``establishment`` foreign key."""

    def for_establishment(self, establishment) -> TenantQuerySet:
        return self.filter(establishment=establishment)

    def for_family(self, family, *, guardian=None) -> TenantQuerySet:
        """The family's rows; with ``guardian``, those of them that guardian reaches."""
        path = getattr(self.model, "tenant_family_path", None)
        if path is None or path == TENANT_SHARED:
            raise ImproperlyConfigured(f"{self.model.__name__} is not owned by a family.")
        family_id = getattr(family, "pk", family)
        rows = self.filter(**{path: family_id})
        if guardian is None:
            return rows
        condition = guardian_q(self.model, family_id, getattr(guardian, "pk", guardian))
        return rows if condition is None else rows.filter(condition)

    def for_user(self, user) -> TenantQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.establishment_id is None:
            return self.none()
        in_establishment = self.for_establishment(user.establishment_id)
        if user.is_staff:
            return in_establishment
        path = getattr(self.model, "tenant_family_path", None)
        if path is None:
            return self.none()
        if path == TENANT_SHARED:
            return in_establishment
        family_id = family_id_for(user)
        if family_id is None:
            return self.none()
        return in_establishment.for_family(family_id, guardian=guardian_id_for(user))


def _queryset(model_or_queryset) -> models.QuerySet:
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def scoped(request, model_or_queryset) -> models.QuerySet:
    """The rows of a model (or queryset) the request's user may reach."""
    queryset = _queryset(model_or_queryset)
    if not hasattr(queryset, "for_user"):
        raise ImproperlyConfigured(f"{queryset.model.__name__} has no tenant scoping.")
    return queryset.for_user(request.user)


def get_object_for(request, model_or_queryset, **lookup):
    """One object the request's user may reach, or 404 (another family's objects included)."""
    return get_object_or_404(scoped(request, model_or_queryset), **lookup)


def staff_scope(queryset: models.QuerySet, user) -> models.QuerySet:
    """What a staff user manages in the admin: their establishment's rows; all for a superuser.

    Unlike ``for_user`` (the portal's rule, families included), this is the admin's rule: it
    also scopes the establishments themselves and lets the shared auth configuration through.
    """
    if not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if not user.is_staff or user.establishment_id is None:
        return queryset.none()
    model = queryset.model
    if model._meta.label == "accounts.Establishment":
        return queryset.filter(pk=user.establishment_id)
    if hasattr(queryset, "for_establishment"):
        return queryset.for_establishment(user.establishment_id)
    if model._meta.app_label in {"auth", "contenttypes"}:
        # Groups, permissions and content types are configuration, shared by design.
        return queryset
    raise ImproperlyConfigured(f"{model.__name__} has no establishment scoping.")


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field list filter whose choices stop at the staff user's establishment."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ()
        queryset = staff_scope(field.related_model._default_manager.all(), request.user)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class TenantAdminMixin(SecretLookupsRefusedMixin, AuditedAdminMixin, LabelledWidgetsMixin):
    """Scopes a ModelAdmin or an inline to the staff user's establishment.

    Lists, change views, deletions and actions go through ``get_queryset``; autocomplete
    answers use the related admin's ``get_queryset`` too; foreign-key and many-to-many choices
    go through ``get_field_queryset``; related list filters get ``ScopedRelatedFieldListFilter``.
    A staff user's ``establishment`` field offers their own establishment only, so that a forged
    value is refused by the form. Lists are never filtered on a secret (``admin_lookups``).
    """

    def get_queryset(self, request):
        return staff_scope(super().get_queryset(request), request.user)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.raw_id_fields:
            errors.append(
                checks.Error(
                    "raw_id_fields show the name of any row whose id is typed, across "
                    "establishments; use autocomplete_fields, which are scoped.",
                    obj=self.__class__,
                    id="accounts.E001",
                )
            )
        return errors

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
            limit = db_field.get_limit_choices_to()
            if limit:
                queryset = queryset.complex_filter(limit)
        return staff_scope(queryset, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            formfield is not None
            and db_field.name == "establishment"
            and not request.user.is_superuser
        ):
            formfield.required = True
            formfield.empty_label = None
            formfield.initial = request.user.establishment_id
        return formfield

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation:
                    if entry == "establishment" and not request.user.is_superuser:
                        continue
                    entry = (entry, ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters


def check_same_establishment(obj, *field_names: str) -> None:
    """Model validation: a record and the records it points to share one establishment.

    Related records are read even when not saved yet (an admin inline under a new family).
    """
    for name in field_names:
        try:
            other = getattr(obj, name)
        except ObjectDoesNotExist:
            continue
        if (
            other is not None
            and obj.establishment_id
            and other.establishment_id != obj.establishment_id
        ):
            raise ValidationError(
                {
                    "establishment": _("%(record)s belongs to another establishment.")
                    % {"record": other}
                }
            )


class TenantModel(models.Model):
    """Base of every record that belongs to one establishment."""

    establishment = models.ForeignKey(
        "accounts.Establishment",
        verbose_name=_lazy("establishment"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
