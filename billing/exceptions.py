class BillingError(Exception):
    """A refused billing operation, with a message for the user (translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class PaymentRefused(Exception):
    """A payment confirmation that records nothing (unknown, mismatched, replayed); logged."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
