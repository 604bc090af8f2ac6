"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str, bool], ...]


def shown_bindings(screen: Screen[object]) -> Shown:
    """What a footer on ``screen`` is built from: each active binding's key, description,
    action, whether it is enabled, its tooltip and whether it is shown (a hidden one may still
    be, as the command palette's is)."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip, binding.show)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
    )


class SteadyFooter(Footer):
    """A Footer that is recomposed only when what it shows changed.

    Textual's Footer throws its key widgets away and builds them again whenever the screen's
    bindings may have changed (the focus moved, a screen was pushed, a check_action may answer
    otherwise): several times before the first frame, and at every focus change after, each
    time styling a dozen new widgets. Mostly nothing it shows has changed.
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._shown: Shown | None = None

    def on_mount(self) -> None:
        super().on_mount()
        # Mounted after the screen's first frame (see MainScreen), when the bindings have
        # stopped changing: show them now rather than at their next change.
        self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            super().bindings_changed(screen)  # it will not recompose now: nothing to remember
            return
        shown = shown_bindings(screen)
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)
