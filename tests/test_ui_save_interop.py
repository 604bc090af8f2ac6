"""Edits staged and saved through the app, read by the real fnox (KMS on moto_server, age).

Values are encrypted as the forms encrypt them (the provider of the target profile, a digest
of the plaintext kept for the check after the save), staged on the controller, reviewed with
ctrl+s and written with enter. Then ``fnox get`` returns the new plaintexts, ``fnox list`` the
expected set of secrets, and each file's diff holds only the lines of the entries changed: in
the default profile and another, inline and table-style, in fnox.toml, fnox.P.toml and
fnox.local.toml.
"""

from __future__ import annotations

import asyncio
import difflib

import pytest

from fnox_tui.core.changes import AddSecret, Change, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.ui.app import FnoxTuiApp
from tests.interop_project import Project
from tests.save_helpers import confirm, notes, open_review, stage
from tests.test_ui_main import SIZE

pytestmark = [pytest.mark.fnox, pytest.mark.moto_server]


def diff_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    removed: list[str] = []
    added: list[str] = []
    for line in list(difflib.unified_diff(old.split("\n"), new.split("\n"), n=0, lineterm=""))[2:]:
        if not line.startswith("@@"):
            (removed if line[0] == "-" else added).append(line[1:])
    return removed, added


def encrypt_now(project: Project, provider: str, plaintext: str) -> str:
    resolver = project.resolver()
    definition = resolver.workspace.profiles["default"].providers[provider]
    return resolver.registry.get(definition).encrypt(plaintext)


class Forms:
    """Encrypts as a form does (in a thread), keeps only the ciphertext and a digest."""

    def __init__(self, app: FnoxTuiApp) -> None:
        self.app = app

    async def value(
        self, entry: EntryId, profile: str, provider: str, plaintext: str
    ) -> tuple[str, ExpectedValue]:
        controller = self.app.controller
        workspace = controller.workspace
        assert workspace is not None
        definition = workspace.profiles[profile].providers[provider]

        def encrypt() -> str:
            resolver = controller.resolver_for(workspace)
            return resolver.registry.get(definition, resolver.references(profile)).encrypt(
                plaintext
            )

        ciphertext = await asyncio.to_thread(encrypt)
        return ciphertext, ExpectedValue.of(entry, plaintext, profile=profile, provider=provider)

    async def set(
        self, entry: EntryId, profile: str, provider: str, plaintext: str, *, new: bool
    ) -> None:
        ciphertext, expected = await self.value(entry, profile, provider, plaintext)
        change: Change
        if new:
            change = AddSecret(entry, {"provider": provider, "value": ciphertext})
        else:
            change = UpdateSecret(entry, {"value": ciphertext})
        stage(self.app, change, expected=[expected])


async def test_edits_adds_and_deletes_saved_here_are_read_by_fnox(fnox_project: Project) -> None:
    project = fnox_project
    root = project.root
    main, staging, local = root / "fnox.toml", root / "fnox.staging.toml", root / "fnox.local.toml"
    project.set("ALPHA", "alpha one", "kms")
    project.set("BRAVO", "bravo one", "age")
    project.fnox.run(
        "-P", "staging", "set", "GAMMA", "gamma one", "--provider", "kms",
        cwd=root, env=project.env,
    )  # fmt: skip
    project.append(
        f'\n# table style\n[secrets.TABLED]\nprovider = "age" # kept\n'
        f'value = "{encrypt_now(project, "age", "tabled one")}"\ndescription = "table"'
    )
    staging.write_text(
        "# only with -P staging\n[secrets]\n"
        f'STAGED_ONLY = {{ provider = "age", value = "{encrypt_now(project, "age", "s one")}" }}\n'
    )
    local.write_text(
        "# local, not committed\n[secrets]\n"
        f'LOCAL_OLD = {{ provider = "kms", value = "{encrypt_now(project, "kms", "l one")}" }}\n'
    )
    before = {path: path.read_text(encoding="utf-8") for path in (main, staging, local)}

    source = WorkspaceSource(cwd=root, environ=project.fnox_env())
    app = FnoxTuiApp(source, workspace=source.load())
    forms = Forms(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await forms.set(EntryId.secret(main, "ALPHA"), "default", "kms", "alpha two ✓", new=False)
        await forms.set(EntryId.secret(main, "TABLED"), "default", "age", "tabled\ntwo", new=False)
        stage(app, DeleteSecret(EntryId.secret(main, "BRAVO")))
        await forms.set(EntryId.secret(main, "NEW_KMS"), "default", "kms", "new kms", new=True)
        await forms.set(
            EntryId.secret(main, "GAMMA", "staging"), "staging", "kms", "gamma two", new=False
        )
        await forms.set(
            EntryId.secret(main, "DELTA", "staging"), "staging", "age", "promoted", new=True
        )
        await forms.set(
            EntryId.secret(staging, "STAGED_ONLY"), "staging", "age", "s two", new=False
        )
        await forms.set(EntryId.secret(local, "LOCAL_NEW"), "default", "age", "l new", new=True)
        await pilot.pause()
        assert "8 staged changes" in app.main.status_bar.counters
        await open_review(app, pilot)
        await confirm(app, pilot)
        report = app.saves.last.report
        assert report is not None and report.ok, report
        assert len(report.verified) == 7 and report.entries == 8
        assert "verified 7 values, 8 entries read back as staged" in notes(app)
        assert not app.controller.staging

    def get(name: str, profile: str = "default") -> str:
        return project.fnox.run("-P", profile, "get", name, cwd=root, env=project.env).stdout

    assert get("ALPHA") == "alpha two ✓\n"
    assert get("TABLED") == "tabled\ntwo\n"
    assert get("NEW_KMS") == "new kms\n"
    assert get("LOCAL_NEW") == "l new\n"
    assert get("LOCAL_OLD") == "l one\n"
    assert get("GAMMA", "staging") == "gamma two\n"
    assert get("DELTA", "staging") == "promoted\n"
    assert get("STAGED_ONLY", "staging") == "s two\n"
    assert get("ALPHA", "staging") == "alpha two ✓\n"
    gone = project.fnox.run("get", "BRAVO", cwd=root, env=project.env, check=False)
    assert gone.returncode != 0

    def listed(profile: str) -> list[str]:
        output = project.fnox.run("-P", profile, "list", "--complete", cwd=root, env=project.env)
        return sorted(output.stdout.split())

    assert listed("default") == ["ALPHA", "LOCAL_NEW", "LOCAL_OLD", "NEW_KMS", "TABLED"]
    assert listed("staging") == [
        "ALPHA", "DELTA", "GAMMA", "LOCAL_NEW", "LOCAL_OLD", "NEW_KMS", "STAGED_ONLY", "TABLED",
    ]  # fmt: skip

    # Each diff is exactly the lines of the entries changed.
    after = {path: path.read_text(encoding="utf-8") for path in before}
    removed, added = diff_lines(before[main], after[main])
    assert sorted(line.split("=")[0].strip() for line in removed) == [
        "ALPHA", "BRAVO", "GAMMA", "value",
    ]  # fmt: skip
    assert sorted(line.split("=")[0].strip() for line in added if line) == [
        "ALPHA", "DELTA", "GAMMA", "NEW_KMS", "value",
    ]  # fmt: skip
    assert "# table style" in after[main] and 'provider = "age" # kept' in after[main]
    removed, added = diff_lines(before[staging], after[staging])
    assert [line.split("=")[0].strip() for line in removed + added] == [
        "STAGED_ONLY",
        "STAGED_ONLY",
    ]
    assert removed[0].split('value = "')[0] == added[0].split('value = "')[0]
    removed, added = diff_lines(before[local], after[local])
    assert removed == [] and [line.split("=")[0].strip() for line in added] == ["LOCAL_NEW"]
