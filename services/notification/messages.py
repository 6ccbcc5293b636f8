"""Every message a unit gets from an event: the texts of each publisher, registered on one
`compose`."""

from __future__ import annotations

from services.notification import dossier_texts, task_texts
from services.notification.texts import Message, compose

__all__ = ["Message", "compose", "dossier_texts", "task_texts"]
