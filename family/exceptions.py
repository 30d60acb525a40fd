class FamilyError(Exception):
    """A refused change to a family's records, with a message for the user (translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
