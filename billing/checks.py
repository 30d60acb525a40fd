from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def payment_provider_is_known(app_configs, **kwargs):
    from billing.payments import PROVIDERS

    if settings.PAYMENT_PROVIDER and settings.PAYMENT_PROVIDER not in PROVIDERS:
        return [
            Error(
                f"PAYMENT_PROVIDER names an unknown provider: {settings.PAYMENT_PROVIDER!r}.",
                hint=f"Use one of {', '.join(sorted(PROVIDERS))}, or leave it empty.",
                id="billing.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def no_test_provider_in_production(app_configs, **kwargs):
    """The test provider records payments that moved no money."""
    if not settings.DEBUG and settings.PAYMENT_PROVIDER == "test":
        return [
            Warning(
                "The test payment provider is on: families could settle their invoices with "
                "a fake card.",
                hint="Set PAYMENT_PROVIDER to your bank's provider, or leave it empty.",
                id="billing.W001",
            )
        ]
    return []


@register()
def payment_expiry_leaves_time_to_pay(app_configs, **kwargs):
    """A family needs time to type its card and pass its bank's check."""
    if settings.PAYMENT_EXPIRY_MINUTES < 15:
        return [
            Error(
                f"PAYMENT_EXPIRY_MINUTES is {settings.PAYMENT_EXPIRY_MINUTES}: online payments "
                "would be abandoned while families are still paying.",
                hint="Give at least 15 minutes (120 by default).",
                id="billing.E002",
            )
        ]
    return []
