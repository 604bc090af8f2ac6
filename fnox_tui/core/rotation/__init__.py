"""The rotation engine: re-encrypt every value of one provider definition under a new KMS key
or to new age recipients, verified and resumable. No UI here, and nothing here writes a
configuration file: the commit step turns :class:`RotationOutput` into one atomic save.

The walkthrough uses it in this order:

1. ``keyinfo.describe_key`` (current key), ``gitage.line_ages`` (when each value last changed);
2. ``keyinfo.validate_new_key`` / ``keyinfo.create_key`` -> ``KmsTarget``; for age,
   ``age.check_recipients`` (and ``age.generate_identity``) -> ``AgeTarget``;
3. ``plan.plan_rotation`` -> ``RotationPlan`` (rows, conflicts, counts, cost);
4. ``journal.Journal.start`` then ``execute.Rotation(...).run`` (progress, cancel, retry);
5. the results (``Rotation.results``: every row verified, or why not);
6. ``Rotation.output()`` -> the commit, whose pre-rename hook is
   ``Journal.mark_committing``; then ``Journal.discard``;
7. ``kms.rotation_policy`` / ``kms.new_key_actions`` for the closing advice.

On start, ``journal.find_journal`` + ``recovery.recover`` deal with an interrupted rotation.
"""

from fnox_tui.core.rotation.execute import Rotation, RotationIncomplete
from fnox_tui.core.rotation.plan import (
    Conflict,
    PlanError,
    PlanRow,
    RotationPlan,
    Route,
    RowKey,
    Slot,
    plan_rotation,
)
from fnox_tui.core.rotation.results import RotationOutput, RowResult, RowStatus, RunSummary
from fnox_tui.core.rotation.targets import AgeTarget, KmsTarget, Target

__all__ = [
    "AgeTarget",
    "Conflict",
    "KmsTarget",
    "PlanError",
    "PlanRow",
    "Rotation",
    "RotationIncomplete",
    "RotationOutput",
    "RotationPlan",
    "Route",
    "RowKey",
    "RowResult",
    "RowStatus",
    "RunSummary",
    "Slot",
    "Target",
    "plan_rotation",
]
