"""A view looks for new events once a second as well as on each notification (`_Runner.nudge`).
It reaches into the eventsourcing library's subscription; this catches a library change that
would make the nudge a silent no-op."""

import inspect
import threading

from eventsourcing.persistence import ListenNotifySubscription
from eventsourcing.projection import ApplicationSubscription, BaseProjectionRunner, ProjectionRunner

from servicekit.views import _Runner


def test_the_library_still_has_what_the_nudge_sets() -> None:
    assert issubclass(_Runner, ProjectionRunner) and issubclass(ProjectionRunner, BaseProjectionRunner)
    assert "self._subscription = ApplicationSubscription(" in inspect.getsource(BaseProjectionRunner.__init__)
    assert "self.subscription = " in inspect.getsource(ApplicationSubscription.__init__)
    assert "self._has_been_notified = Event()" in inspect.getsource(ListenNotifySubscription.__init__)
    assert "self._has_been_notified.wait()" in inspect.getsource(ListenNotifySubscription._loop_on_pull)


def test_the_nudge_wakes_the_pull_loop() -> None:
    class Inner:
        _has_been_notified = threading.Event()

    class Outer:
        subscription = Inner()

    runner = object.__new__(_Runner)
    runner._subscription = Outer()  # type: ignore[assignment]
    runner.nudge()
    assert Inner._has_been_notified.is_set()
