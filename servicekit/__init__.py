"""The small library every TĐKT service is built from: settings, logs, telemetry, health,
HTTP conventions, identity, the event store set-up, the outbox relay and the bus consumer."""
