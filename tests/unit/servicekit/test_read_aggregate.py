"""`read()`: a cached aggregate handed out without a copy, for a command that only reads it, and
never changed under its reader; `get()` still hands out copies."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from servicekit.eventstore import ServiceApplication, memory_env


class Counter(Aggregate):
    """Counts by name (a random id per counter)."""

    @event("Opened")
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    @event("Counted")
    def count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1


class Counters(ServiceApplication):
    pass


def test_a_read_aggregate_is_the_cached_one_until_newer_events_and_never_changes_under_its_reader() -> None:
    app = Counters(env=memory_env())
    counter = Counter()
    app.save(counter)
    first = app.read(counter.id)
    assert app.read(counter.id) is first  # no newer events: no copy
    assert first.counts == {}

    changed: Counter = app.repository.get(counter.id)
    assert changed is not first  # a command's own copy
    changed.count("a")
    app.save(changed)

    second = app.read(counter.id)
    assert second is not first and second.counts == {"a": 1} and second.version == 2
    assert first.counts == {} and first.version == 1  # the one read before stays as it was
    assert app.read(counter.id) is second

    again: Counter = app.repository.get(counter.id)  # a copy, fast-forwarded as before
    again.count("b")
    app.save(again)
    assert app.repository.get(counter.id).counts == {"a": 1, "b": 1}
    assert second.counts == {"a": 1}
    assert app.read(counter.id).counts == {"a": 1, "b": 1}


def test_an_aggregate_only_got_is_fast_forwarded_in_its_cache_as_before() -> None:
    app = Counters(env=memory_env())
    counter = Counter()
    app.save(counter)
    for name in ("a", "b", "c"):
        copy: Counter = app.repository.get(counter.id)
        copy.count(name)
        app.save(copy)
    assert app.repository.get(counter.id).counts == {"a": 1, "b": 1, "c": 1}
    assert app.read(counter.id).version == 4
