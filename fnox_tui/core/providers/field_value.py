"""A provider field's value that remembers whether it came from a secret.

A field written ``{ secret = "NAME" }`` holds a plaintext, the value of secret NAME. It travels
as a :class:`FieldValue`: ``str()`` of it, and so every message built with an f-string, names the
secret and never holds the value; only ``.value`` gives the value itself, for the API call.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A provider field's value and how to show it.

    ``display`` is for sentences ("The KMS key from secret KEYREF was not found"), ``token`` for
    places inside other text (an ARN, a URL, a name after a prefix). For a value written in the
    file all three are the value itself.
    """

    value: str = field(repr=False)
    display: str
    token: str
    secret: str | None = None  # the secret the value came from; None: written in the file

    @classmethod
    def literal(cls, value: str) -> FieldValue:
        return cls(value, value, value)

    @classmethod
    def from_secret(cls, value: str, secret: str) -> FieldValue:
        return cls(value, f"from secret {secret}", f"<secret {secret}>", secret)

    @classmethod
    def of(cls, value: str | FieldValue | None) -> FieldValue:
        """``value`` as a FieldValue; a plain string is a value written in the file."""
        if isinstance(value, FieldValue):
            return value
        return cls.literal(value or "")

    @property
    def referenced(self) -> bool:
        return self.secret is not None

    @property
    def quoted(self) -> str:
        """``'value'`` for a literal, the display form for a referenced value."""
        return self.display if self.referenced else repr(self.value)

    @property
    def shell(self) -> str:
        """The value as a word in a shell command: ``"$(fnox get NAME)"`` when referenced."""
        return f'"$(fnox get {self.secret})"' if self.referenced else self.value

    def then(self, suffix: str) -> FieldValue:
        """This value followed by literal text (a prefix field and a secret's own name)."""
        return FieldValue(
            self.value + suffix, self.token + suffix, self.token + suffix, self.secret
        )

    def __str__(self) -> str:
        return self.display

    def __bool__(self) -> bool:
        return bool(self.value)


EMPTY = FieldValue.literal("")
