"""Eligibility: the rules of domain.md §2 (R1–R14, guards G1–G5) as data, evaluated by one engine.

Pure module: no web, bus or database (standard library, pydantic, PyYAML, yamlconfig only).

API (the dossier workflow calls this, nothing else):

    rule_set = load_rules(path_or_text)           # Path: a file; str: YAML text. Raises ConfigError
                                                  # (yamlconfig) with file:line:column of each error.
    loader = RuleLoader(path)                     # serves `loader.current`; `reload()` of a broken
                                                  # file raises ConfigError and keeps the last good
                                                  # set; `refresh()` reloads when the file changed.
    rule_set.for_award(code, on, basis="cong_trang", subject=None) -> list[Rule]
                                                  # guards first, then rules, valid on `on`
    verdicts = evaluate(rule_set, award_code, year, facts, on, basis="cong_trang") -> list[Verdict]
    summary = summarize(verdicts) -> Summary      # outcome, text, deciding, unverified, missing

`year` is the achievement year nominated; `on` the evaluation date (it picks each rule's version
by `legal.valid_from/valid_to` and decides whether a discipline period is over). Every verdict is
pass / fail / unknown ("cannot tell": a fact is missing, named in `missing`) with a Vietnamese
reason, the facts used, the rule's legal basis and whether that basis is verified. How verdicts
sum up is in `domainmodel.py` (Kleene `and` over guards and groups of alternative rules; unknown is
never pass; unverified rules count but are named).

Condition vocabulary (closed; written `{kind: {...}}` in the rule file):
    all / any / not [...]                      Kleene logic          rule: R1        another rule's outcome
    rating_at_least {min, year}                rating_streak {min, years, id}
    rating_count {rating, min, within_years | same_span_as}
    title_in_year {title, year}                title_streak {title, years, id}
    title_count {title, min, within_years | same_span_as}
    innovations {min, scope_at_least, kinds, recognised_by, within_years | same_span_as}
    award_held {codes, before_years | within_years}   award_chain {codes, times, period_years}
    members_share {title | rating, min_percent, year}  members_with_title {title, min, year}
    members_disciplined {level, max, year}
    attested {key, text}                       dossier_fact {key, text, if_absent, by: dossier | appraiser}
    no_pending {matters, confirmed_within_days}   discipline_over {}  not_already_awarded {}   service_years {table}
`no_pending` passes only on what is stated: a record saying the matter is not the case, or a
`Confirmation` of its absence dated on or before the evaluation day (who, on what document).
`year` offsets are ≤ 0 (0 = the nomination year); streaks end at the nomination year and `id`
names the longest run so that a later count can use "the same span".

Principles without verdicts (rule file, `principles:`): G2 — no implicit prerequisite: a prior
award is required only where a rule names it (award_held, award_chain, title conditions); G4 —
awards of the bases in `not_counted_bases` (chuyên đề, đột xuất) never count in those
conditions, and the reason says which were left out. G1's effect on counting: years up to the
one in which discipline ended are "excluded" (count as not met) in the rating, title, innovation
and members conditions of every rule; awards already decided (award_held, award_chain, G3) stand.

Case tables: `cases/*.yaml`, run by `python -m services.nomination.eligibility check PATH
[--rules RULES.yaml]` (see cases.py for the format).
"""

from __future__ import annotations

from services.nomination.eligibility.domainmodel import Summary, evaluate, summarize
from services.nomination.eligibility.facts import (
    AwardRecord,
    Innovation,
    MembersYear,
    NomineeFacts,
    Rating,
    Standing,
    Verdict,
    YearRecord,
)
from services.nomination.eligibility.rules import DEFAULT_RULES, Rule
from services.nomination.eligibility.ruleset import RuleLoader, RuleSet, load_rules
from services.nomination.yamlconfig import ConfigError

__all__ = [
    "DEFAULT_RULES", "AwardRecord", "ConfigError", "Innovation", "MembersYear", "NomineeFacts", "Rating", "Rule",
    "RuleLoader", "RuleSet", "Standing", "Summary", "Verdict", "YearRecord", "evaluate", "load_rules", "summarize",
]
