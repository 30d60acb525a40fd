"""Writes of the family app."""

import re
import unicodedata

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.emails import queue_mail
from accounts.models import User
from family.exceptions import FamilyError
from family.models import Guardian


def _identifier_base(last_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", last_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())[:30] or "famille"


def suggested_identifier(guardian: Guardian) -> str:
    """The family name in lower-case ASCII and the first free number: "abarre1", "abarre2"…"""
    base = _identifier_base(guardian.last_name)
    taken = set(
        User.objects.filter(
            establishment=guardian.establishment_id, identifier__startswith=base
        ).values_list("identifier", flat=True)
    )
    number = 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


@transaction.atomic
def family_login_create(*, guardian: Guardian) -> User:
    """Première connexion: the family's login, without a password (the family asks for one
    with "Générer un nouveau mot de passe"), e-mail taken from the guardian."""
    guardian = (
        Guardian.objects.select_for_update().select_related("establishment").get(pk=guardian.pk)
    )
    if guardian.user_id is not None:
        raise FamilyError(_("%(guardian)s already has a login.") % {"guardian": guardian})
    email = guardian.email.strip()
    if not email:
        raise FamilyError(
            _("%(guardian)s has no e-mail address: add one first.") % {"guardian": guardian}
        )
    if User.objects.filter(
        establishment=guardian.establishment_id, is_staff=False, email__iexact=email
    ).exists():
        raise FamilyError(
            _("The e-mail address %(email)s already has a login in this establishment.")
            % {"email": email}
        )
    identifier = suggested_identifier(guardian)
    user = User(
        establishment=guardian.establishment,
        identifier=identifier,
        username=User.family_username(guardian.establishment, identifier),
        email=email,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another login with this identifier was made at the same instant.
        raise FamilyError(_("This login was just taken: try again.")) from None
    guardian.user = user
    guardian.save(update_fields=["user"])
    return user


def family_login_send_identifier(*, guardian: Guardian, portal_url: str) -> None:
    """Mail the family its identifier and how to get a first password."""
    user = guardian.user
    if user is None or not user.email:
        raise FamilyError(_("%(guardian)s has no login yet.") % {"guardian": guardian})
    queue_mail(
        to=user.email,
        template="identifier",
        context={"guardian": guardian, "identifier": user.identifier, "portal_url": portal_url},
        language=user.language,
        establishment=guardian.establishment,
    )
