"""Thread-safe counters of the AWS requests the providers made (retries included)."""

from __future__ import annotations

import threading
from collections import Counter

KMS_PRICE_PER_10K_REQUESTS_USD = 0.03


class RequestStats:
    """Counts every HTTP request sent to each AWS service, keyed by botocore's service id,
    and the answers that said the service throttles (``throttles``: retried ones too)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self.throttles = 0

    def record_throttle(self) -> None:
        with self._lock:
            self.throttles += 1

    def record(self, service: str, operation: str = "") -> None:
        with self._lock:
            self._counts[service] += 1
            if operation:
                self._counts[f"{service}.{operation}"] += 1

    def merge(self, counts: dict[str, int], throttles: int = 0) -> None:
        """Add counts made elsewhere (the rotation worker process's)."""
        with self._lock:
            self._counts.update({k: v for k, v in counts.items() if isinstance(v, int)})
            self.throttles += throttles

    def count(self, service: str, operation: str = "") -> int:
        key = f"{service}.{operation}" if operation else service
        with self._lock:
            return self._counts[key]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    @property
    def kms_requests(self) -> int:
        return self.count("kms")

    @property
    def kms_cost_usd(self) -> float:
        """What the KMS requests so far cost at the list price ($0.03 per 10,000)."""
        return self.kms_requests * KMS_PRICE_PER_10K_REQUESTS_USD / 10_000
