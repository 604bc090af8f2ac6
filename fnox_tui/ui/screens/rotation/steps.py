"""The seven steps of the walkthrough, and the indicator that shows where you are."""

from __future__ import annotations

import enum

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from fnox_tui.ui.text import literal


class Step(enum.IntEnum):
    CURRENT = 1
    NEW = 2
    PLAN = 3
    RUN = 4
    VERIFY = 5
    COMMIT = 6
    DONE = 7

    def label(self, kms: bool) -> str:
        if self is Step.CURRENT:
            return "Current key" if kms else "Current recipients"
        if self is Step.NEW:
            return "New key" if kms else "New recipients"
        return _LABELS[self]

    @property
    def pane(self) -> str:
        return f"step-{self.name.lower()}"


_LABELS = {
    Step.PLAN: "Plan",
    Step.RUN: "Re-encrypt",
    Step.VERIFY: "Verify",
    Step.COMMIT: "Commit",
    Step.DONE: "Done",
}


class StepIndicator(Static):
    """Every step in a line: those done ticked, the current one highlighted, the rest dim."""

    step: reactive[Step] = reactive(Step.CURRENT)

    def __init__(self, kms: bool, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kms = kms

    def render(self) -> Text:
        text = self._line(compact=False)
        if text.cell_len > self.size.width > 0:  # 80 columns: the other steps by number
            text = self._line(compact=True)
        return text

    def _line(self, *, compact: bool) -> Text:
        text = Text()
        for step in Step:
            if step > Step.CURRENT:
                text.append(" " if compact else " \u203a ", style="dim")
            label = f"{step.value} {step.label(self.kms)}"
            if step < self.step:
                text.append_text(literal(f"✓{step.value}" if compact else f"✓ {label}", "green"))
            elif step == self.step:
                text.append_text(literal(f" {label} ", style="bold reverse"))
            else:
                text.append_text(literal(str(step.value) if compact else label, style="dim"))
        return text
