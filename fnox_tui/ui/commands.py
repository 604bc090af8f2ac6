"""Command palette entries: jump to a profile or secret, reload, filter, problems, help, the
editing actions (edit, set, delete, copy, undo, review and save).

Textual's palette reads a hit's ``str`` title and help line as markup, so every hit is built
from :class:`~textual.content.Content` (see :func:`fnox_tui.ui.text.literal_content`): a name
from a file is shown as it is and never becomes a style, a click action or a markup error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from fnox_tui.core.fuzzy import fuzzy_match
from fnox_tui.ui.text import literal_content, visible

if TYPE_CHECKING:
    from fnox_tui.ui.app import FnoxTuiApp

MAX_SECRET_HITS = 50

Command = tuple[str, str, Callable[[], object]]  # title, help line, action (shown as they are)


def highlighted(matcher: Matcher, title: str) -> Content:
    """``title`` as literal content, with the characters the query matched highlighted."""
    content = literal_content(title)
    plain = content.plain
    score, offsets = matcher.fuzzy_search.match(matcher.query, plain)
    if not score:
        return content
    for offset in offsets:
        if not plain[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _hit(score: float, matcher: Matcher, title: str, command: Command) -> Hit:
    _, help_text, action = command
    return Hit(
        score,
        highlighted(matcher, title),
        action,
        text=visible(title),
        help=literal_content(help_text),  # type: ignore[arg-type]  # Content is used as is
    )


class FnoxCommands(Provider):
    """fnox-tui's own commands, next to Textual's system commands."""

    @property
    def fnox_app(self) -> FnoxTuiApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[Command]:
        app = self.fnox_app
        commands: list[Command] = [
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
            (
                "Edit secret…",
                "The highlighted secret's value and description (e)",
                app.action_edit_secret,
            ),
            (
                "Set a new secret…",
                "A new secret in the highlighted profile (s)",
                app.action_new_secret,
            ),
            (
                "Delete secret…",
                "The highlighted secret, after a confirmation (d)",
                app.action_delete_secret,
            ),
            (
                "Copy secret to profile…",
                "The highlighted secret, re-encrypted for another profile (m)",
                app.action_copy_secret,
            ),
            ("Undo staged change", "Take back the last staged change (u)", app.action_undo),
            (
                "Review and save…",
                "Every staged change, file by file; enter writes them (ctrl+s)",
                app.action_save,
            ),
            ("Help", "Every key (?)", app.action_help),
            (
                "Rotate key…",
                "Re-encrypt the values of the provider under the cursor under a new key (R)",
                app.action_rotate,
            ),
        ]
        workspace = app.workspace
        if workspace is not None:
            for provider in workspace.providers:
                if provider.type in ("aws-kms", "age"):
                    what = "key" if provider.type == "aws-kms" else "recipients"
                    scope = f" (profile {provider.profile})" if provider.profile else ""
                    commands.append(
                        (
                            f"Rotate {what}… {provider.name}{scope}",
                            f"{provider.type} provider in {provider.location.path.name}: the "
                            "rotation walkthrough",
                            partial(app.action_rotate, provider),
                        )
                    )
            for name, view in workspace.profiles.items():
                commands.append(
                    (
                        f"Go to profile {name}",
                        f"{len(view.secrets)} secrets",
                        partial(app.action_jump_profile, name),
                    )
                )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(
                literal_content(title),
                callback,
                text=visible(title),
                help=literal_content(help_text),  # type: ignore[arg-type]  # used as is
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            title = command[0]
            score = matcher.match(visible(title))
            if score > 0:
                yield _hit(score, matcher, title, command)
        workspace = self.fnox_app.workspace
        if workspace is None or not query:
            return
        hits = 0
        for view in workspace.profiles.values():
            for secret in view.secrets:
                if fuzzy_match(query, secret.name) is None:
                    continue
                title = f"{secret.name}  ({view.name})"
                score = matcher.match(visible(title))
                if score <= 0:
                    continue
                command = (
                    title,
                    f"Go to secret {secret.name} in profile {view.name}",
                    partial(self.fnox_app.action_jump_secret, view.name, secret.name),
                )
                yield _hit(score * 0.9, matcher, title, command)
                hits += 1
                if hits >= MAX_SECRET_HITS:
                    return
