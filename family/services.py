"""Writes of the family app."""

import re
import unicodedata

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.emails import queue_mail
from accounts.models import User
from family.exceptions import FamilyError
from family.models import ChoiceItem, ChoiceKind, Guardian


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


# The lists an establishment starts with (French label, English label); staff then edit them.
DEFAULT_CHOICES = {
    ChoiceKind.CIVILITY: [("Monsieur", "Mr"), ("Madame", "Mrs"), ("Mademoiselle", "Miss")],
    ChoiceKind.MARITAL_STATUS: [
        ("Célibataire", "Single"),
        ("Marié(e)", "Married"),
        ("Pacsé(e)", "In a civil partnership"),
        ("Vie maritale", "Living together"),
        ("Divorcé(e)", "Divorced"),
        ("Séparé(e)", "Separated"),
        ("Veuf, veuve", "Widowed"),
    ],
    ChoiceKind.SOCIO_PROFESSIONAL: [
        ("Agriculteur exploitant", "Farmer"),
        ("Artisan, commerçant, chef d'entreprise", "Craftsman, shopkeeper, business owner"),
        ("Cadre, profession intellectuelle supérieure", "Manager, higher profession"),
        ("Profession intermédiaire", "Intermediate profession"),
        ("Employé", "Employee"),
        ("Ouvrier", "Manual worker"),
        ("Retraité", "Retired"),
        ("Sans activité professionnelle", "Not working"),
    ],
    ChoiceKind.SCHOOL_LEVEL: [
        (label, "")
        for label in (
            "Maternelle",
            "CP",
            "CE1",
            "CE2",
            "CM1",
            "CM2",
            "6e",
            "5e",
            "4e",
            "3e",
            "2nde",
            "1re",
            "Terminale",
        )
    ]
    + [("Études supérieures", "Higher education"), ("Adulte", "Adult")],
}


@transaction.atomic
def choice_lists_seed(*, establishment) -> None:
    """Give an establishment the default choice lists; entries it already has are kept."""
    for kind, entries in DEFAULT_CHOICES.items():
        for position, (label, label_en) in enumerate(entries, start=1):
            ChoiceItem.objects.get_or_create(
                establishment=establishment,
                kind=kind,
                label=label,
                defaults={"label_en": label_en, "position": position},
            )


def choice(establishment, kind: str, label: str) -> ChoiceItem:
    """One entry of an establishment's list, by its French label."""
    return ChoiceItem.objects.get(establishment=establishment, kind=kind, label=label)
