"""Element API errors: a name (`xVolumeIDDoesNotExist`) and a human message."""

from __future__ import annotations


class ApiError(Exception):
    """Raised by a method; the dispatcher turns it into Element's error envelope."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def missing(member: str, hint: str = "") -> ApiError:
    return ApiError("xMissingParameter", f"Missing member=[{member}]{hint}")
