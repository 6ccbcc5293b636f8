"""Notification service: webhooks for outside systems, fed by every event on the bus."""
