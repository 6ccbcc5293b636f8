"""The fault tests' webhook receivers (real HTTP servers on 127.0.0.1)."""

from tests.integration.webhook_receivers import receivers  # noqa: F401
