class ReenrolmentError(Exception):
    """A re-enrolment change refused, with a message for the family (translated) and the step
    of the wizard to go back to, if any."""

    def __init__(self, message, *, step: str = ""):
        super().__init__(message)
        self.message = message
        self.step = step
