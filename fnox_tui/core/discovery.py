"""Which files fnox loads, in which order: the upward walk, imports and the global config."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from fnox_tui.core.configfile import ConfigFile, profile_of_file
from fnox_tui.core.loaded import FileOrigin, FileScope
from fnox_tui.core.model import DEFAULT_PROFILE, Location, Problem, Severity
from fnox_tui.core.record import Record

DEFAULT_CONFIG_FILENAME = "fnox.toml"
# Path separators, the list separator and control characters (Rust char::is_control: Cc).
_INVALID_PROFILE_CHARS = re.compile(r"[/\\,\x00-\x1f\x7f-\x9f]")


def config_filenames(profiles: list[str]) -> list[str]:
    """Per-directory file names, lowest priority first, as fnox names them."""
    names = [DEFAULT_CONFIG_FILENAME, ".fnox.toml"]
    for profile in profiles:
        if profile != DEFAULT_PROFILE:
            names += [f"fnox.{profile}.toml", f".fnox.{profile}.toml"]
    return [*names, "fnox.local.toml", ".fnox.local.toml"]


def uses_discovery(config_arg: str | os.PathLike[str] | None) -> bool:
    """Only the bare default names given to ``-c`` trigger the upward search."""
    if config_arg is None:
        return True
    text = os.fspath(config_arg)
    # fnox compares Rust paths, which keep a leading "." component: "./fnox.toml" is an
    # explicit path there, while pathlib would turn it into the bare name.
    if text == "." or text.startswith("./"):
        return False
    return Path(text) in {Path(name) for name in config_filenames([])}


def is_valid_profile_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not _INVALID_PROFILE_CHARS.search(name)


def normalize_profiles(values: list[str]) -> list[str]:
    """Split comma lists, trim, drop invalid names; ``["default"]`` when nothing is left."""
    profiles = [
        part.strip()
        for value in values
        for part in value.split(",")
        if part.strip() and is_valid_profile_name(part.strip())
    ]
    return profiles or [DEFAULT_PROFILE]


def active_profiles(cli_profiles: list[str] | None, environ: Mapping[str, str]) -> list[str]:
    """``-P`` beats ``FNOX_PROFILE``, which beats ``default``."""
    if cli_profiles:
        return normalize_profiles(cli_profiles)
    from_env = environ.get("FNOX_PROFILE")
    return normalize_profiles([from_env] if from_env else [])


def expand_home(path: str, environ: Mapping[str, str]) -> Path:
    if path == "~" or path.startswith("~/"):
        home = environ.get("HOME") or str(Path.home())
        return Path(home + path[1:])
    return Path(path)


def resolve_relative(path: str, directory: Path, environ: Mapping[str, str]) -> Path:
    """An import or key file path as fnox resolves it: ``~`` expanded, relative to ``dir``."""
    expanded = expand_home(path, environ)
    return expanded if expanded.is_absolute() else directory / expanded


def _absolute_dir(environ: Mapping[str, str], name: str) -> Path | None:
    """A directory variable as fnox reads it: ignored when empty or not an absolute path."""
    value = environ.get(name)
    return Path(value) if value and Path(value).is_absolute() else None


def global_config_dir(environ: Mapping[str, str]) -> Path:
    configured = _absolute_dir(environ, "FNOX_CONFIG_DIR")
    if configured is not None:
        return configured
    xdg = _absolute_dir(environ, "XDG_CONFIG_HOME")
    if xdg is not None:
        return xdg / "fnox"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".config" / "fnox"


def global_config_path(environ: Mapping[str, str]) -> Path:
    return global_config_dir(environ) / "config.toml"


Reader = Callable[[Path], ConfigFile]


def look_at(path: Path) -> tuple[bool, str | None]:
    """Whether ``path`` is a file, and why it cannot be looked at (None when it can).

    ``Path.is_file`` raises PermissionError when a directory on the way cannot be searched;
    fnox then treats the file as absent. The reason is kept so the user can be told.
    """
    try:
        return path.is_file(), None
    except OSError as error:
        return False, error.strerror or type(error).__name__


def is_file(path: Path) -> bool:
    return look_at(path)[0]


class LoadPlan(Record):
    """The files for one set of active profiles.

    ``listing`` is ``fnox config-files`` order (nearest first, each file followed by its
    imports, global last); ``merge_order`` is lowest priority first. ``origins`` says how
    each file came in (found in a walked directory, imported, global, ``-c``).
    """

    __slots__ = ("directories", "listing", "merge_order", "origins", "problems")
    _fields = ("listing", "merge_order", "directories", "problems", "origins")

    def __init__(
        self,
        listing: list[Path] | None = None,
        merge_order: list[Path] | None = None,
        directories: list[Path] | None = None,
        problems: list[Problem] | None = None,
        origins: dict[Path, FileOrigin] | None = None,
    ) -> None:
        self.listing: list[Path] = [] if listing is None else listing
        self.merge_order: list[Path] = [] if merge_order is None else merge_order
        self.directories: list[Path] = [] if directories is None else directories
        self.problems: list[Problem] = [] if problems is None else problems
        self.origins: dict[Path, FileOrigin] = {} if origins is None else origins

    def note(self, path: Path, origin: FileOrigin) -> None:
        """Record how ``path`` came in; the first way it was reached is kept."""
        self.origins.setdefault(path, origin)


def plan_discovery(
    cwd: Path, profiles: list[str], environ: Mapping[str, str], read: Reader
) -> LoadPlan:
    plan = LoadPlan()
    names = config_filenames(profiles)
    groups: list[list[Path]] = []
    directory = cwd
    while True:
        plan.directories.append(directory)
        files = []
        for name in names:
            found, denied = look_at(directory / name)
            if denied is not None:
                # A directory on the way cannot be searched: fnox skips it as if empty.
                plan.problems.append(
                    Problem(
                        Location(directory),
                        f"cannot look into {directory}: {denied}; fnox skips its files",
                        Severity.WARNING,
                    )
                )
                break
            if found:
                files.append(directory / name)
        configs = [read(path) for path in files]
        imports: list[str] = []
        for path, config in zip(files, configs, strict=True):
            _list_once(plan.listing, path)
            plan.note(path, FileOrigin(FileScope.DIRECTORY, directory))
            for entry in config.imports:
                target = resolve_relative(entry, directory, environ)
                if is_file(target):
                    _list_once(plan.listing, target)
                    plan.note(target, FileOrigin(FileScope.IMPORT, directory, path))
                if entry not in imports:
                    imports.append(entry)
        groups.append(_imports_below(plan, configs, imports, directory, environ) + files)
        if any(config.root for config in configs):
            break
        parent = directory.parent
        if parent == directory:
            break
        directory = parent
    for group in reversed(groups):
        plan.merge_order.extend(group)
    _add_global(plan, None, environ)
    return plan


def _add_global(plan: LoadPlan, explicit: Path | None, environ: Mapping[str, str]) -> None:
    """The global config goes first in the merge (lowest priority), when there is one."""
    global_path = global_config_path(environ)
    if global_path == explicit:
        return
    found, denied = look_at(global_path)
    if denied is not None:
        plan.problems.append(
            Problem(
                Location(global_path),
                f"cannot look for the global config {global_path}: {denied}; fnox skips it",
                Severity.WARNING,
            )
        )
    elif found:
        _list_once(plan.listing, global_path)
        plan.note(global_path, FileOrigin(FileScope.GLOBAL, global_path.parent))
        plan.merge_order.insert(0, global_path)


def plan_explicit(path: Path, environ: Mapping[str, str], read: Reader) -> LoadPlan:
    plan = LoadPlan()
    config = read(path)
    plan.listing.append(path)
    directory = path.parent
    plan.note(path, FileOrigin(FileScope.EXPLICIT, directory))
    for entry in config.imports:
        target = resolve_relative(entry, directory, environ)
        if is_file(target):
            _list_once(plan.listing, target)
            plan.note(target, FileOrigin(FileScope.IMPORT, directory, path))
    plan.merge_order = [*_imports_below(plan, [config], config.imports, directory, environ), path]
    _add_global(plan, path, environ)
    return plan


def _imports_below(
    plan: LoadPlan,
    configs: list[ConfigFile],
    imports: list[str],
    directory: Path,
    environ: Mapping[str, str],
) -> list[Path]:
    """Imports in merge order: each later import lies beneath the earlier ones."""
    resolved: list[Path] = []
    for entry in imports:
        target = resolve_relative(entry, directory, environ)
        found, denied = look_at(target)
        if found:
            resolved.append(target)
            continue
        declaring = next((c for c in configs if entry in c.imports), configs[0])
        # fnox says "not found" either way; the reason it could not be looked at helps more.
        message = (
            f"import file not found: {target}"
            if denied is None
            else f"import file {target} cannot be reached: {denied}"
        )
        plan.problems.append(
            Problem(Location(declaring.path, declaring.keymap.line(("import",))), message)
        )
    return list(reversed(resolved))


def _list_once(listing: list[Path], path: Path) -> None:
    if path not in listing:
        listing.append(path)


def profile_files_in(directories: list[Path]) -> dict[str, list[Path]]:
    """Profiles named by ``fnox.P.toml``/``.fnox.P.toml`` files in the walked directories."""
    found: dict[str, list[Path]] = {}
    for directory in directories:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".toml") or "fnox." not in entry.name:
                continue
            path = Path(entry.path)
            profile = profile_of_file(path)
            if profile and is_valid_profile_name(profile) and is_file(path):
                found.setdefault(profile, []).append(path)
    return found
