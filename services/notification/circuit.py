"""A circuit breaker per webhook: after `threshold` failed calls in a row the webhook is not
called for a while; then one call tries it (half-open); success closes the circuit, failure
opens it again for longer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Circuit:
    threshold: int
    open_s: Sequence[float]
    failures: int = 0
    opened: int = 0
    open_until: float | None = None  # monotonic; None: closed
    changes: list[float | None] = field(default_factory=list)  # open_until after each change, to persist

    def allows(self, now: float, in_flight: int, window: int) -> bool:
        if self.open_until is None:
            return in_flight < window
        return now >= self.open_until and in_flight == 0  # half-open: one probe at a time

    def succeeded(self) -> None:
        self.failures = 0
        if self.open_until is not None:
            self.open_until, self.opened = None, 0
            self.changes.append(None)

    def failed(self, now: float) -> None:
        self.failures += 1
        half_open = self.open_until is not None and now >= self.open_until
        if half_open or (self.open_until is None and self.failures >= self.threshold):
            self.open_until = now + self.open_s[min(self.opened, len(self.open_s) - 1)]
            self.opened += 1
            self.changes.append(self.open_until)

    @property
    def is_open(self) -> bool:
        return self.open_until is not None
