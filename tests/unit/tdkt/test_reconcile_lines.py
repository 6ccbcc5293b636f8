"""What `tdkt reconcile` prints of each finding, webhooks among them (pure)."""

from __future__ import annotations

from tdkt.reconcile import format_finding


def finding(**values: object) -> dict[str, object]:
    return {"name": "notification-webhooks", "kind": "consumer", "expected": 3, "found": 3, "lost": 0,
            "duplicated": 0, "pending": 0, "republished": 0, "lost_ids": [], **values}


def test_a_webhook_line_says_what_was_owed_delivered_and_given_up() -> None:
    line = format_finding("notification", finding(
        name="https://eoffice.example/hooks", kind="webhook", found=2, lost=1, lost_ids=["7e03"]))
    assert line.split("\n")[0].split() == [
        "notification", "consumer", "→", "webhook", "https://eoffice.example/hooks", "cần", "3", "có", "2",
        "lost", "1", "duplicated", "0", "đang", "chờ", "0"]
    assert line.split("\n")[1].strip() == "mất: 7e03"


def test_a_clean_consumer_line_has_no_lost_ids() -> None:
    assert format_finding("reporting", finding()).count("\n") == 0
