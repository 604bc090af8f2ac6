"""Command palette entries: jump to a profile or secret, reload, filter, problems, help."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from fnox_tui.core.fuzzy import fuzzy_match
from fnox_tui.ui.text import visible

if TYPE_CHECKING:
    from fnox_tui.ui.app import FnoxTuiApp

MAX_SECRET_HITS = 50


class FnoxCommands(Provider):
    """fnox-tui's own commands, next to Textual's system commands."""

    @property
    def fnox_app(self) -> FnoxTuiApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.fnox_app
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Reload from disk", "Load every file again (r)", app.action_reload),
            ("Filter secrets", "Fuzzy filter by name across profiles (/)", app.action_filter),
            (
                "Show problems",
                "What fnox would refuse, with file and line (p)",
                app.action_problems,
            ),
            (
                "Profile matrix",
                "Secrets by profile, revealed values compared; again for the tree (x)",
                app.action_toggle_matrix,
            ),
            ("Help", "Every key (?)", app.action_help),
        ]
        workspace = app.workspace
        if workspace is not None:
            for name, view in workspace.profiles.items():
                commands.append(
                    (
                        visible(f"Go to profile {name}"),
                        f"{len(view.secrets)} secrets",
                        partial(app.action_jump_profile, name),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        workspace = self.fnox_app.workspace
        if workspace is None or not query:
            return
        hits = 0
        for view in workspace.profiles.values():
            for secret in view.secrets:
                if fuzzy_match(query, secret.name) is None:
                    continue
                title = visible(f"{secret.name}  ({view.name})")
                score = matcher.match(title)
                if score <= 0:
                    continue
                yield Hit(
                    score * 0.9,
                    matcher.highlight(title),
                    partial(self.fnox_app.action_jump_secret, view.name, secret.name),
                    help=f"Go to secret {secret.name} in profile {view.name}",
                )
                hits += 1
                if hits >= MAX_SECRET_HITS:
                    return
