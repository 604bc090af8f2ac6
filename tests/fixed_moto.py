"""moto with repeatable KMS keys: the same key ids and creation dates in every run.

For snapshots and screenshots of the rotation walkthrough, which show key ARNs and dates.
moto draws key ids from its own seeded random generator and stamps keys with the time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

CREATED = 1_704_067_200.0  # 2024-01-01 00:00:00 UTC


@contextlib.contextmanager
def fixed_kms_keys(seed: int = 7) -> Iterator[None]:
    from moto.kms import models
    from moto.moto_api._internal import mock_random

    mock_random.seed(seed)

    real = models.unix_time

    def stamp(*args: Any) -> float:
        return CREATED if not args else float(real(*args))

    with mock.patch.object(models, "unix_time", stamp):
        yield
