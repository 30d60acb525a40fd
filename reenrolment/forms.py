from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reenrolment.models import Offer
from reenrolment.waiting import waiting_count


class AuthorisationsForm(forms.Form):
    image_rights = forms.BooleanField(label=_("Image rights"), required=False)
    outing_allowed = forms.BooleanField(label=_("May leave alone"), required=False)
    rules_accepted = forms.BooleanField(
        label=_("I have read and I accept the rules of the establishment"),
        error_messages={"required": _("Accept the rules of the establishment to go on.")},
    )


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CoursesForm(forms.Form):
    """*Réinscription administrative*, or the offers re-enrolled into, with one time slot per
    collective course. A full slot is shown as such: chosen, the student waits for a seat on
    its list if the campaign has waiting lists, and it is refused otherwise."""

    administrative = forms.BooleanField(label=_("Administrative re-enrolment"), required=False)

    def __init__(self, *args, campaign, held=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.held = held or {}  # slot ids this request already holds (none before sending)
        self.offers = list(campaign.offers.prefetch_related("slots"))
        full = [
            slot.pk for offer in self.offers for slot in offer.slots.all() if slot.seats_left == 0
        ]
        # How many wait for each full slot (a query only when a slot is full).
        self.waiting = waiting_count(full) if full and campaign.waiting_lists else {}
        if campaign.course_choice_allowed:
            self.fields["offers"] = forms.ModelMultipleChoiceField(
                label=_("Courses re-enrolled into"),
                # What a posted value is checked against; the boxes are shown from the offers
                # already read (the queryset would read them again).
                queryset=Offer.objects.filter(campaign=campaign),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["offers"].choices = [(offer.pk, str(offer)) for offer in self.offers]
            for offer in self.offers:
                if offer.kind == Offer.Kind.COLLECTIVE:
                    self.fields[f"slot_{offer.pk}"] = forms.ChoiceField(
                        label=_("Time slot for %(course)s") % {"course": offer},
                        choices=[(slot.pk, self._slot_label(slot)) for slot in offer.slots.all()],
                        widget=forms.RadioSelect,
                        required=False,
                    )

    def _slot_label(self, slot) -> str:
        if slot.seats_left == 0 and self.campaign.waiting_lists:
            waiting = self.waiting.get(slot.pk, 0)
            if not waiting:
                return _("%(slot)s – full: join the waiting list") % {"slot": slot.label}
            return ngettext(
                "%(slot)s – full: join the waiting list (%(count)d student waiting)",
                "%(slot)s – full: join the waiting list (%(count)d students waiting)",
                waiting,
            ) % {"slot": slot.label, "count": waiting}
        if slot.seats_left == 0:
            return _("%(slot)s – full") % {"slot": slot.label}
        return ngettext(
            "%(slot)s – %(count)d seat left", "%(slot)s – %(count)d seats left", slot.seats_left
        ) % {"slot": slot.label, "count": slot.seats_left}

    def slot_fields(self):
        return [self[name] for name in self.fields if name.startswith("slot_")]

    def clean(self):
        data = super().clean()
        offers = list(data.get("offers") or [])
        if not data.get("administrative") and not offers:
            raise forms.ValidationError(
                _("Tick the administrative re-enrolment, or the courses re-enrolled into."),
                code="nothing",
            )
        for offer in offers:
            if offer.kind != Offer.Kind.COLLECTIVE:
                continue
            name = f"slot_{offer.pk}"
            slot_id = data.get(name)
            slots = {str(slot.pk): slot for slot in offer.slots.all()}
            if not slot_id:
                self.add_error(name, _("Choose a time slot for this course."))
            elif slots[slot_id].seats_left == 0 and not self.campaign.waiting_lists:
                self.add_error(name, _("This time slot is full: choose another one."))
        return data

    def _waiting(self, slots: dict[str, int]) -> list[int]:
        """The offers whose chosen slot is full now: the student will wait for a seat."""
        if not self.campaign.waiting_lists:
            return []
        full = {
            slot.pk for offer in self.offers for slot in offer.slots.all() if not slot.seats_left
        }
        return [int(offer_id) for offer_id, slot_id in slots.items() if slot_id in full]

    def answer(self) -> dict:
        """What the services keep: {"administrative", "offers", "slots"}."""
        data = self.cleaned_data
        offers = list(data.get("offers") or [])
        slots = {
            str(offer.pk): int(data[f"slot_{offer.pk}"])
            for offer in offers
            if offer.kind == Offer.Kind.COLLECTIVE and data.get(f"slot_{offer.pk}")
        }
        return {
            "administrative": bool(data.get("administrative")),
            "offers": [offer.pk for offer in offers],
            "slots": slots,
            "waiting": self._waiting(slots),
        }

    def raw_answer(self) -> dict:
        """What was ticked, unchecked (for Précédent: going back keeps it as it is), among
        the campaign's offers and their time slots: anything else posted is dropped."""
        data = self.data
        slots_of = {offer.pk: {slot.pk for slot in offer.slots.all()} for offer in self.offers}
        offers = []
        for value in data.getlist("offers"):
            offer_id = _as_id(value)
            if offer_id in slots_of and offer_id not in offers:
                offers.append(offer_id)
        slots = {}
        for offer_id in offers:
            slot_id = _as_id(data.get(f"slot_{offer_id}", ""))
            if slot_id in slots_of[offer_id]:
                slots[str(offer_id)] = slot_id
        return {
            "administrative": bool(data.get("administrative")),
            "offers": offers,
            "slots": slots,
            "waiting": self._waiting(slots),
        }

    @classmethod
    def initial_from(cls, answer: dict) -> dict:
        initial = {
            "administrative": answer.get("administrative", False),
            "offers": answer.get("offers", []),
        }
        for offer_id, slot_id in (answer.get("slots") or {}).items():
            initial[f"slot_{offer_id}"] = str(slot_id)
        return initial


class FinalisationForm(forms.Form):
    demands = forms.CharField(
        label=_("Further requests"),
        help_text=_("Optional: anything the administrative staff should know."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
