"""Which JetStream refusals mean its store has no room (the relay waits, readiness degraded)."""

from __future__ import annotations

from nats.js.errors import APIError, BadRequestError, ServiceUnavailableError

from servicekit.outbox import store_full


def test_insufficient_resources_and_exceeded_limits_mean_a_full_store() -> None:
    assert store_full(ServiceUnavailableError(code=503, err_code=10023, description="insufficient resources"))
    assert store_full(APIError(code=500, err_code=10047, description="insufficient storage resources available"))
    assert store_full(APIError(code=400, err_code=10002, description="resource limits exceeded for account"))


def test_other_refusals_and_errors_do_not() -> None:
    assert not store_full(BadRequestError(code=400, err_code=10058, description="stream name already in use"))
    assert not store_full(TimeoutError())
