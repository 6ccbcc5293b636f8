"""A loaded rule set: which rules apply to an award on a date, and the loader that keeps the
last good set when an edited file is broken."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from services.nomination.eligibility import wording
from services.nomination.eligibility.rules import DEFAULT_RULES, Principle, Rule, RuleFile, read_rule_file
from services.nomination.yamlconfig import ConfigError, Problem


class RuleSet:
    def __init__(self, file: RuleFile, source: str) -> None:
        self.version = file.version
        self.source = source
        self.rules: tuple[Rule, ...] = tuple(file.rules)
        self.principles: tuple[Principle, ...] = tuple(file.principles)
        self.codes = frozenset(file.labels)
        self.labels = wording.Labels({c: wording.Label(v.name, v.short) for c, v in file.labels.items()})

    def for_award(self, code: str, on: date, *, basis: str = "cong_trang", subject: str | None = None) -> list[Rule]:
        """The guards, then the rules, valid on `on` for this award (and subject kind, if given)."""
        chosen = [rule for rule in self.rules if rule.applies(code, on, basis, subject)]
        return sorted(chosen, key=lambda rule: rule.kind != "guard")

    def rule(self, rule_id: str, on: date) -> Rule | None:
        """The version of a rule valid on `on`."""
        return next((r for r in self.rules if r.id == rule_id and r.legal.covers(on)), None)

    def principles_on(self, on: date) -> list[Principle]:
        return [p for p in self.principles if p.legal.covers(on)]


def load_rules(source: Path | str, *, name: str | None = None) -> RuleSet:
    """A `Path` is read from disk; a `str` is the YAML text itself. Raises ConfigError."""
    if isinstance(source, Path):
        name = name or str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(name, [Problem(name, 1, 1, "", f"không đọc được tệp: {error}")]) from None
    else:
        name, text = name or "<quy tắc>", source
    return RuleSet(read_rule_file(text, name), name)


class RuleLoader:
    """Serves the current rule set; `reload()` of a broken file raises ConfigError and keeps
    serving the last good set (its error stays in `last_error`)."""

    def __init__(self, path: Path = DEFAULT_RULES) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._current = load_rules(path)
        self._mtime = self._stamp()
        self.last_error: ConfigError | None = None

    @property
    def current(self) -> RuleSet:
        return self._current

    def reload(self) -> RuleSet:
        with self._lock:
            stamp = self._stamp()
            try:
                self._current = load_rules(self.path)
            except ConfigError as error:
                self.last_error = error
                raise
            self._mtime, self.last_error = stamp, None
            return self._current

    def refresh(self) -> RuleSet:
        """Reload only when the file changed; never raises (a broken file keeps the last good set)."""
        if self._stamp() != self._mtime:
            try:
                return self.reload()
            except ConfigError:
                self._mtime = self._stamp()
        return self._current

    def _stamp(self) -> float | None:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return None
