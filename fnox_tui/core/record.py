"""Plain slotted classes that compare, hash and print as dataclasses do, made cheaply.

Making a ``@dataclass`` costs about a millisecond at import time (it generates and ``exec()``s
source for each method, and ``slots=True`` builds the class twice); the classes imported on the
way to the first frame are plain classes instead, with a hand-written ``__init__`` (plain
attribute assignments: the hot constructors stay as fast as before) and these methods:

- ``__eq__`` compares the ``_fields`` (as a tuple) with an object of the very same class, else
  returns ``NotImplemented``, as a dataclass's does (a subclass's object is not equal);
- ``__repr__`` prints ``Name(field=value, ...)`` over the ``_fields``;
- :class:`Record` is unhashable, as a dataclass with ``eq`` and without ``frozen`` is;
  :class:`FrozenRecord` hashes its ``_fields``, as a frozen dataclass does. Immutability is not
  enforced: nothing assigns to a frozen record's attributes.

Fields a dataclass declared with ``compare=False, repr=False`` are simply left out of
``_fields``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar


def _no_values(record: object) -> tuple[()]:
    return ()


def _getter(fields: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of ``fields`` of an object, as a tuple (compared and hashed as one)."""
    if len(fields) > 1:
        return attrgetter(*fields)
    if fields:
        one = attrgetter(fields[0])
        return lambda record: (one(record),)
    return _no_values


class Record:
    """Compares (``==``) and prints by ``_fields``; unhashable."""

    __slots__ = ()

    _fields: ClassVar[tuple[str, ...]] = ()
    # The _fields' values of an object as a tuple (set for each class).
    _values: ClassVar[Callable[[Any], tuple[Any, ...]]] = staticmethod(_no_values)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._values = staticmethod(_getter(cls._fields))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"


class FrozenRecord(Record):
    """A :class:`Record` that hashes its ``_fields`` (meant never to change once made)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values(self))
