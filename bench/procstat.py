"""CPU time and peak memory of processes, from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float, float, float] | None:
    """(parent pid, user CPU seconds, system CPU seconds, and the same of its children that ended
    and were waited for) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    utime, stime, cutime, cstime = (int(v) / CLOCK_TICKS for v in fields[11:15])
    return int(fields[1]), utime, stime, cutime, cstime


def cpu_times(pid: int, *, with_children: bool = False) -> tuple[float, float]:
    """(user, system) CPU seconds used so far by a process (and its direct children, e.g.
    PostgreSQL backends: those alive now, and those that ended, which the postmaster waited for —
    without them a backend ending between two readings took its CPU out of the difference)."""
    own = _stat(pid)
    user, system = (own[1], own[2]) if own else (0.0, 0.0)
    if with_children:
        if own:
            user, system = user + own[3], system + own[4]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != pid:
                stat = _stat(int(entry.name))
                if stat is not None and stat[0] == pid:
                    user += stat[1]
                    system += stat[2]
    return user, system


def cpu_seconds(pid: int, *, with_children: bool = False) -> float:
    return sum(cpu_times(pid, with_children=with_children))


def status_mb(pid: int, field: str) -> float | None:
    """A memory field of /proc/<pid>/status (VmHWM = peak RSS, VmRSS = current RSS) in MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return None


def peak_rss_mb(pid: int) -> float | None:
    return status_mb(pid, "VmHWM")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat, everything but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds of named processes between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, tuple[int, bool]]) -> None:
        self.pids = pids  # name -> (pid, with_children)
        self._start: dict[str, tuple[float, float]] = {}
        self.used: dict[str, float] = {}
        self.system: dict[str, float] = {}

    def _read(self) -> dict[str, tuple[float, float]]:
        return {name: cpu_times(pid, with_children=children) for name, (pid, children) in self.pids.items()}

    def start(self) -> None:
        self._start = self._read()
        self._machine = machine_busy_seconds()

    def stop(self) -> dict[str, float]:
        end = self._read()
        self.machine = machine_busy_seconds() - self._machine
        for name, (user, system) in end.items():
            user0, system0 = self._start.get(name, (0.0, 0.0))
            self.used[name] = user - user0 + system - system0
            self.system[name] = system - system0
        return self.used
