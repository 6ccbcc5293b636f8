"""Every message a unit gets from an event: the texts of each publisher, registered on one
`compose` (and on `address` where the service finds the recipients)."""

from __future__ import annotations

from services.notification import cluster_texts, dossier_texts, movement_texts, task_texts
from services.notification.texts import Audience, Message, address, compose

__all__ = ["Audience", "Message", "address", "cluster_texts", "compose", "dossier_texts", "movement_texts",
           "task_texts"]
