"""The steps of the re-enrolment wizard, in order; a campaign may switch some off, and the
others are then numbered again from 1."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str  # in the URL
    label: object
    campaign_flag: str = ""  # the Campaign field that enables it; always on when empty


STEPS = [
    Step("coordonnees", _("Contact details"), "step_contact_details"),
    Step("autorisations", _("Authorisations"), "step_authorisations"),
    Step("documents", _("Documents"), "step_documents"),
    Step("cours", _("Courses"), "step_courses"),
    Step("recapitulatif", _("Summary")),
    Step("finalisation", _("Finalisation")),
]


def steps_of(campaign) -> list[Step]:
    """The campaign's steps, in order."""
    return [
        step for step in STEPS if not step.campaign_flag or getattr(campaign, step.campaign_flag)
    ]


def step_named(campaign, slug: str) -> Step | None:
    return next((step for step in steps_of(campaign) if step.slug == slug), None)


def neighbours(campaign, step: Step) -> tuple[Step | None, Step | None]:
    steps = steps_of(campaign)
    index = steps.index(step)
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following


def resume_step(campaign, completed: list[str]) -> Step:
    """Where *Reprendre la réinscription* opens: the first step not completed yet, or the last
    one (*Finalisation*) when every other is."""
    steps = steps_of(campaign)
    return next((step for step in steps if step.slug not in completed), steps[-1])
