"""The running nomination service: its database and the bus (its domain is still to come)."""

from __future__ import annotations

from servicekit.runtime import ServiceRuntime


class NominationRuntime(ServiceRuntime):
    pool_size = 4
