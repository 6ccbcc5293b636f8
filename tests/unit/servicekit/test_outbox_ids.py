"""The relay's message ids: which message of which stored event a `Nats-Msg-Id` names, for
reconciliation, whatever suffix a re-publish added (pure)."""

from __future__ import annotations

from servicekit.outbox import message_key, msg_id, notification_of


def test_each_version_of_one_stored_event_is_a_message_of_its_own() -> None:
    first = msg_id("nomination", 42)
    assert first == "nomination:42"
    assert [message_key(i, "nomination") for i in (first, f"{first}:v2")] == ["42", "42:v2"]
    assert notification_of(f"{first}:v2", "nomination") == 42


def test_a_re_publish_suffix_names_the_same_message() -> None:
    squatted = "nomination:42:7e030000-0000-5000-8000-000000000002"
    assert message_key(squatted, "nomination") == "42"
    assert message_key("nomination:42:v2:reconciled", "nomination") == "42:v2"
    assert message_key("nomination:42:reconciled", "nomination") == "42"


def test_another_services_or_a_foreign_id_names_none() -> None:
    assert message_key("plan:42", "nomination") is None
    assert message_key("test:7e030000-0000-5000-8000-000000000002", "nomination") is None
