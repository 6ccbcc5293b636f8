"""Public integration events of the TĐKT system: the only code services share about each other."""

from contracts.base import IntegrationEvent
from contracts.envelope import Envelope, EnvelopeError, unwrap, wrap
from contracts.registry import all_events, event_class

__all__ = [
    "Envelope",
    "EnvelopeError",
    "IntegrationEvent",
    "all_events",
    "event_class",
    "unwrap",
    "wrap",
]
