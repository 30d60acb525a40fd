class FamilyError(Exception):
    """A refused change to a family's records, with a message for the user (translated) and,
    when it is about one field of the form, that field's name."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
