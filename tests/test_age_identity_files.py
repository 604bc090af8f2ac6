"""An age identity path that names a FIFO, a device, a directory or a huge file is refused
with a sentence, before anything is read; nothing hangs and nothing fills memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from fnox_tui.core.providers.age_identity import MAX_IDENTITY_FILE_BYTES
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.small_files import UnsuitableFileError, read_small_file
from tests.test_providers_age import SECRET, Keys, age, isolated

T = TypeVar("T")
# Before the fix, reading a FIFO blocked for ever: a bounded wait turns that into a failure.
BOUND = 20.0


def finishes(call: Callable[[], T]) -> T:
    """``call()`` in a daemon thread; fails the test if it has not returned within BOUND."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(("value", call()))
        except BaseException as error:
            outcome.append(("error", error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BOUND)
    assert outcome, f"still blocked after {BOUND} s"
    kind, result = outcome[0]  # type: ignore[misc]
    if kind == "error":
        raise result  # type: ignore[misc]
    return result  # type: ignore[return-value]


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def resolve_error(provider: object, stored: str) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        finishes(lambda: provider.resolve(stored))  # type: ignore[attr-defined]
    return caught.value


def test_a_fifo_key_file_is_refused_without_blocking(keys: Keys, home: Path) -> None:
    fifo = keys.tmp_path / "project" / "key.fifo"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    provider = age(keys, isolated(home), key_file="key.fifo")
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert error.code == ErrorCode.AGE_NO_IDENTITY
    assert error.message == (
        f"The age identity file {fifo} is a named pipe (FIFO), not a regular file; fnox-tui "
        "reads only a regular file of at most 64 KiB."
    )
    assert "is a named pipe (FIFO)" in error.detail
    result = finishes(provider.check)
    assert not result.ok


def test_dev_zero_is_refused(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home), key_file="/dev/zero")
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert error.message.startswith(
        "The age identity file /dev/zero is a character device, not a regular file"
    )


def test_a_directory_is_refused(keys: Keys, home: Path) -> None:
    (keys.tmp_path / "project" / "keys").mkdir(parents=True)
    provider = age(keys, isolated(home), key_file="keys")
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert "is a directory, not a regular file" in error.message


def test_a_huge_regular_file_is_not_read(keys: Keys, home: Path) -> None:
    big = keys.key_file("project/big.txt", keys.mine)
    with big.open("a") as handle:
        handle.write("#" * MAX_IDENTITY_FILE_BYTES + "\n")
    provider = age(keys, isolated(home), key_file="big.txt")
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert error.message == (
        f"The age identity file {big} is larger than 64 KiB, more than such a file ever holds; "
        "fnox-tui reads only a regular file of at most 64 KiB."
    )


def test_a_file_at_the_limit_is_read(keys: Keys, home: Path) -> None:
    path = keys.key_file("project/k.txt", keys.mine)
    padding = MAX_IDENTITY_FILE_BYTES - path.stat().st_size
    with path.open("a") as handle:
        handle.write("#" * (padding - 1) + "\n")
    assert path.stat().st_size == MAX_IDENTITY_FILE_BYTES
    provider = age(keys, isolated(home), key_file="k.txt")
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET


def test_fnox_age_key_file_naming_a_fifo(keys: Keys, home: Path) -> None:
    fifo = keys.tmp_path / "env.fifo"
    os.mkfifo(fifo)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(fifo)))
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert f"The age identity file {fifo} is a named pipe (FIFO)" in error.message


def test_default_age_txt_that_is_a_fifo(keys: Keys, home: Path) -> None:
    directory = home / ".config" / "fnox"
    directory.mkdir(parents=True)
    os.mkfifo(directory / "age.txt")
    provider = age(keys, isolated(home))
    error = resolve_error(provider, provider.encrypt(SECRET))
    assert f"The age identity file {directory / 'age.txt'} is a named pipe" in error.message


def test_a_fifo_next_to_an_ssh_key_is_not_read(keys: Keys, home: Path, tmp_path: Path) -> None:
    """The public key of an SSH identity may come from KEY.pub: a FIFO there is skipped."""
    from tests.test_providers_age import _ssh_key

    private, public = _ssh_key(tmp_path, "ed25519")
    private.with_name(private.name + ".pub").unlink()
    os.mkfifo(private.with_name(private.name + ".pub"))
    provider = age(keys, isolated(home), recipients=[public], key_file=str(private))
    assert finishes(lambda: provider.resolve(provider.encrypt(SECRET))) == SECRET


def test_the_reader_checks_the_open_descriptor(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A FIFO swapped in between the check and the open is still refused, without blocking."""
    regular = tmp_path / "k.txt"
    regular.write_text("x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    real_open = os.open

    def swapped(path: object, flags: int, *args: object) -> int:
        return real_open(fifo, flags, *args)

    monkeypatch.setattr(os, "open", swapped)
    with pytest.raises(UnsuitableFileError, match="named pipe"):
        finishes(lambda: read_small_file(regular, 100))
