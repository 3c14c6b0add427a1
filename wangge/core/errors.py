"""Domain errors raised by services; views and imports turn them into plain-language messages."""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A request that cannot be carried out; ``message`` says what to do about it."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class ConflictError(DomainError):
    """Someone else changed the record since it was read."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


__all__ = ["ConflictError", "DomainError", "ValidationError"]
