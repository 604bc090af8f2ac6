"""Differential tests: fnox-tui must load every layout of the corpus exactly as the real fnox does.

For each layout and each profile, what ``fnox -P P list`` shows (names in order, kinds, source
files, provider keys, descriptions), ``fnox -P P provider list``, what ``fnox -P P export``
resolves, and what ``fnox -P P config-files`` lists are compared with fnox-tui's ProfileView and
Workspace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from fnox_tui.core.errors import ConfigSyntaxError
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import ProfileView, Severity, Workspace
from tests.fnox_binary import Fnox
from tests.fnox_corpus import LAYOUTS, Layout
from tests.tree import write_tree

pytestmark = pytest.mark.fnox

# Keep any AWS client from reaching out: no instance metadata, an endpoint nothing listens on.
SAFE_ENV = {"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}


@dataclass
class Project:
    fnox: Fnox
    cwd: Path
    extra_env: dict[str, str]

    @property
    def environ(self) -> dict[str, str]:
        """The environment fnox runs with, handed to load_workspace as well."""
        return self.fnox.env(self.extra_env)

    def run(self, *args: str) -> str:
        return self.fnox.run(*args, cwd=self.cwd, env=self.extra_env).stdout

    def load(self, profiles: list[str] | None = None, config: str | None = None) -> Workspace:
        return load_workspace(self.cwd, config=config, profiles=profiles, environ=self.environ)


def materialize(layout: Layout, fnox: Fnox, tmp_path: Path) -> Project:
    root = tmp_path / "project"
    project_files = {p: t for p, t in layout.files.items() if not p.startswith("~/")}
    home_files = {p.removeprefix("~/"): t for p, t in layout.files.items() if p.startswith("~/")}
    write_tree(root, project_files)
    write_tree(fnox.home, home_files)
    cwd = root / layout.cwd
    cwd.mkdir(parents=True, exist_ok=True)
    (tmp_path / "tmp").mkdir()
    extra_env = {**SAFE_ENV, "TMPDIR": str(tmp_path / "tmp"), **layout.env}
    return Project(fnox, cwd, extra_env)


# --- reading fnox's output ----------------------------------------------------------------

Row = tuple[str, str, Path, str, str]  # key, type, source file, provider key, description


def parse_table(text: str) -> list[dict[str, str]]:
    """Rows of a ``tabled`` table with an empty style: columns start where their titles do."""
    header, *rows = [line for line in text.splitlines() if line.strip()]
    columns = [(m.group(0), m.start()) for m in re.finditer(r"\S+(?: \S+)*", header)]
    result = []
    for row in rows:
        cells = {}
        for index, (title, start) in enumerate(columns):
            end = columns[index + 1][1] if index + 1 < len(columns) else None
            cells[title] = row[start:end].strip()
        result.append(cells)
    return result


def fnox_list(project: Project, profile: str) -> list[Row]:
    names = project.run("-P", profile, "list", "--complete").splitlines()
    if not names:
        return []
    table = parse_table(project.run("-P", profile, "list", "--sources", "--full"))
    assert [row["Key"] for row in table] == names
    return [
        (
            row["Key"],
            row["Type"],
            Path(row["Source File"]),
            row["Provider Key"],
            row["Description"],
        )
        for row in table
    ]


def fnox_export(project: Project, profile: str, view: ProfileView) -> dict[str, str]:
    """What fnox resolves; for ``as_file`` secrets, the content of the file it wrote."""
    output = project.run("-P", profile, "export", "-f", "json", "--if-missing", "ignore")
    exported: dict[str, str] = json.loads(output)["secrets"]
    for name, value in exported.items():
        secret = view.secret(name)
        if secret is not None and secret.definition.as_file:
            exported[name] = Path(value).read_text(encoding="utf-8")
    return exported


def fnox_config_files(project: Project, profile: str) -> list[Path]:
    return [Path(line) for line in project.run("-P", profile, "config-files").splitlines()]


# --- what fnox-tui says -------------------------------------------------------------------


def our_list(view: ProfileView) -> list[Row]:
    rows = []
    for secret in view.secrets:
        definition = secret.definition
        provider_key = (definition.value or "") if definition.provider is not None else ""
        rows.append(
            (
                secret.name,
                secret.kind,
                definition.location.path,
                provider_key,
                definition.description or "",
            )
        )
    return rows


def predicted_export(view: ProfileView, environ: Mapping[str, str]) -> dict[str, str]:
    """What fnox should resolve, given the provider fnox-tui says each secret uses.

    Only ``plain`` providers decrypt in the corpus; others (age without a key, aws-kms without
    credentials, undefined ones) fail, and fnox falls back to the default. A secret that names
    no usable provider falls back to its default, then to the environment variable.
    """
    result = {}
    for secret in view.secrets:
        definition = secret.definition
        if definition.provider is not None:
            assert secret.provider_name == definition.provider
        tried_provider = definition.value is not None and secret.provider_name is not None
        if tried_provider and secret.provider is not None and secret.provider.type == "plain":
            result[secret.name] = definition.value
        elif definition.default is not None:
            result[secret.name] = definition.default
        elif not tried_provider and secret.name in environ:
            result[secret.name] = environ[secret.name]
    return result


# --- the corpus ---------------------------------------------------------------------------


def test_the_corpus_covers_enough_layouts() -> None:
    assert len(LAYOUTS) >= 15
    assert len({layout.name for layout in LAYOUTS}) == len(LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
def test_layout_loads_as_fnox_loads_it(layout: Layout, fnox: Fnox, tmp_path: Path) -> None:
    project = materialize(layout, fnox, tmp_path)
    workspace = project.load()
    assert [p for p in workspace.problems if p.severity is Severity.ERROR] == []

    fnox_profiles = project.run("profiles", "--complete").split()
    assert set(fnox_profiles) <= set(workspace.profiles)

    for profile, view in workspace.profiles.items():
        context = f"{layout.name}, profile {profile}"
        assert our_list(view) == fnox_list(project, profile), context
        if profile != "default":
            # --no-defaults leaves out the top-level [secrets]: what [profiles.P.secrets] define.
            own = project.run("-P", profile, "--no-defaults", "list", "--complete").splitlines()
            from_tables = [s.name for s in view.secrets if s.definition.profile == profile]
            assert sorted(from_tables) == sorted(own), context
        providers = project.run("-P", profile, "provider", "list").splitlines()  # sorted
        assert sorted(view.providers) == providers, context
        expected = predicted_export(view, project.environ)
        assert fnox_export(project, profile, view) == expected, context
        config_files = fnox_config_files(project, profile)
        assert view.files == config_files, context
        assert project.load(profiles=[profile]).files == config_files, context

    for profiles in layout.profile_lists:
        config_files = fnox_config_files(project, profiles)
        assert project.load(profiles=[profiles]).files == config_files, profiles

    # Without -P, fnox uses FNOX_PROFILE or the default profile: so must we.
    active = workspace.profiles[workspace.active_profile]
    assert [s.name for s in active.secrets] == project.run("list", "--complete").splitlines()
    assert workspace.files == [Path(line) for line in project.run("config-files").splitlines()]


def test_the_corpus_exercises_every_kind_and_origin(fnox: Fnox, tmp_path: Path) -> None:
    """Guard against a corpus that silently stops covering what the comparison is for."""
    kinds: set[str] = set()
    origins: set[str] = set()
    for index, layout in enumerate(LAYOUTS):
        isolated = Fnox(fnox.binary, tmp_path / str(index) / "home")  # a global config each
        project = materialize(layout, isolated, tmp_path / str(index))
        for view in project.load().profiles.values():
            kinds.update(secret.kind for secret in view.secrets)
            origins.update(secret.origin.value for secret in view.secrets)
    assert {
        "provider (plain)",
        "stored value",
        "default value",
        "env var",
        "provider (plain) [file]",
        "default value [file]",
        "env var [file]",
    } <= kinds
    assert origins == {"defined", "inherited", "overrides"}


# --- -c PATH ------------------------------------------------------------------------------

EXPLICIT = Layout(
    "explicit",
    {
        "fnox.toml": '[secrets]\nPARENT = { default = "p" }\n',
        "app/fnox.toml": '[secrets]\nAPP = { default = "a" }\n',
        "app/fnox.local.toml": '[secrets]\nLOCAL = { default = "l" }\n',
        "app/ci/custom.toml": '[secrets]\nCUSTOM = { default = "c" }\nAPP = { default = "c" }\n',
    },
    cwd="app",
)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("fnox.toml", ["PARENT", "APP", "LOCAL"]),  # the bare default name still discovers
        ("fnox.local.toml", ["PARENT", "APP", "LOCAL"]),
        ("./fnox.toml", ["APP"]),  # any other spelling is an explicit path
        ("ci/custom.toml", ["CUSTOM", "APP"]),
    ],
)
def test_explicit_config_file(fnox: Fnox, tmp_path: Path, config: str, expected: list[str]) -> None:
    # fnox 1.31 loads an explicit file alone; 1.32+ also layers its imports and the global
    # config beneath it. This layout has neither, so both agree.
    project = materialize(EXPLICIT, fnox, tmp_path)
    names = project.run("-c", config, "list", "--complete").splitlines()
    workspace = project.load(config=config)
    assert [s.name for s in workspace.profiles["default"].secrets] == names == expected


# --- what fnox refuses --------------------------------------------------------------------

MIETTE_SPAN = re.compile(r"╭─\[(?P<path>[^\]]+):(?P<line>\d+):(?P<column>\d+)\]")


@pytest.mark.parametrize(
    ("files", "profile"),
    [
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\n\n[settings]\ncolor = true\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a", colour = "red" }\n'}, None),
        ({"fnox.toml": '[secrets.A]\ndefault = "a"\ncolour = "red"\n'}, None),
        ({"fnox.toml": '[secrets]\nOK = { default = "a" }\nA = "bare"\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\nsurprise = 1\n'}, None),
        ({"fnox.toml": '[providers]\np = { type = "plain" }\nq = { type = "nope" }\n'}, None),
        ({"fnox.toml": '[providers]\nk = { type = "aws-kms", key_id = "x" }\n'}, None),
        ({"fnox.toml": '[providers]\n\n[providers.k]\nregion = "x"\n'}, None),
        ({"fnox.toml": '[providers]\nk = { type = "plain", extra = 1 }\n'}, None),
        ({"fnox.toml": '[profiles.prod]\nif_missing = "error"\n'}, None),
        ({"fnox.toml": '# comment\nroot = "yes"\n'}, None),
        ({"fnox.toml": 'import = "x.toml"\n'}, None),
        ({"fnox.toml": 'if_missing = "sometimes"\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a", as_file = "yes" }\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\nB = { default = "b"\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\nA = { default = "b" }\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\n', "app/fnox.toml": "[x\n"}, None),
        ({"fnox.toml": '[secrets]\nA = "bare"\n', "app/fnox.toml": ""}, None),
        ({"app/fnox.toml": "", "app/fnox.prod.toml": "[secrets]\nP = { nope = 1 }\n"}, "prod"),
        ({"app/fnox.toml": 'import = ["gone.toml"]\n'}, None),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\nX = ' + "[" * 3000 + "]" * 3000}, None),
        (
            {
                "fnox.toml": '[secrets]\nA = { default = "a" }\nX = '
                + "{a=" * 3000
                + "1"
                + "}" * 3000
            },
            None,
        ),
        ({"fnox.toml": '[secrets]\nA = { default = "a" }\n\ufeffB = { default = "b" }\n'}, None),
    ],
)
def test_what_fnox_refuses_is_a_problem_at_the_same_line(
    fnox: Fnox, tmp_path: Path, files: dict[str, str], profile: str | None
) -> None:
    project = materialize(Layout("refused", files, cwd="app"), fnox, tmp_path)
    args = ("-P", profile) if profile else ()
    result = fnox.run(*args, "list", cwd=project.cwd, env=project.extra_env, check=False)
    assert result.returncode != 0, "fnox accepted the configuration"
    span = MIETTE_SPAN.search(result.stderr)
    try:
        problems = project.load().problems
    except ConfigSyntaxError as error:
        assert span is not None
        assert (error.path, error.line) == (Path(span["path"]), int(span["line"]))
        return
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert errors, f"fnox refused this, fnox-tui saw nothing wrong:\n{result.stderr}"
    if span is not None:
        where = {(p.location.path, p.location.line) for p in errors}
        assert (Path(span["path"]), int(span["line"])) in where, result.stderr


# --- a working directory reached through a symlink ----------------------------------------


def test_a_symlinked_working_directory_walks_the_real_parents(fnox: Fnox, tmp_path: Path) -> None:
    layout = Layout(
        "symlinked",
        {
            "real/fnox.toml": '[secrets]\nREAL_PARENT = { default = "r" }\n',
            "real/app/fnox.toml": '[secrets]\nAPP = { default = "a" }\n',
            "logical/fnox.toml": '[secrets]\nLOGICAL_PARENT = { default = "l" }\n',
        },
        cwd="real/app",
    )
    project = materialize(layout, fnox, tmp_path)
    link = tmp_path / "project" / "logical" / "app"
    link.symlink_to(project.cwd, target_is_directory=True)
    through_link = Project(fnox, link, project.extra_env)
    workspace = through_link.load()
    assert [s.name for s in workspace.profiles["default"].secrets] == through_link.run(
        "list", "--complete"
    ).splitlines()
    assert workspace.files == [Path(p) for p in through_link.run("config-files").splitlines()]
    assert workspace.files == [project.cwd / "fnox.toml", project.cwd.parent / "fnox.toml"]


# --- environment variables fnox reads with care -------------------------------------------


def test_a_relative_fnox_config_dir_is_ignored(fnox: Fnox, tmp_path: Path) -> None:
    layout = Layout(
        "relative_config_dir",
        {
            "fnox.toml": '[secrets]\nPROJECT = { default = "p" }\n',
            "cfg/config.toml": '[secrets]\nRELATIVE = { default = "not the global config" }\n',
            "~/.config/fnox/config.toml": '[secrets]\nHOME_GLOBAL = { default = "g" }\n',
        },
        env={"FNOX_CONFIG_DIR": "cfg", "XDG_CONFIG_HOME": "xdg"},
    )
    project = materialize(layout, fnox, tmp_path)
    workspace = project.load()
    names = project.run("list", "--complete").splitlines()
    assert [s.name for s in workspace.profiles["default"].secrets] == names
    assert names == ["HOME_GLOBAL", "PROJECT"]
    assert workspace.files == [Path(p) for p in project.run("config-files").splitlines()]


def test_profile_names_with_control_characters_are_dropped(fnox: Fnox, tmp_path: Path) -> None:
    layout = Layout(
        "control_characters",
        {
            "fnox.toml": '[secrets]\nA = { default = "a" }\n',
            "fnox.ok.toml": '[secrets]\nOK = { default = "ok" }\n',
        },
        env={"FNOX_PROFILE": "bad\x01name,ok"},
    )
    project = materialize(layout, fnox, tmp_path)
    workspace = project.load()
    assert workspace.active_profiles == ["ok"]
    assert workspace.files == [Path(p) for p in project.run("config-files").splitlines()]
