"""Which case events reach which subscription."""

from datetime import UTC, datetime

from casetrail.domain.subscriptions import Subscription, SubscriptionFilter, matches


def subscription(events: list[str], **filter) -> Subscription:
    return Subscription(
        subscription_id="s-1",
        tenant_id="demo",
        target={"type": "email", "address": "sam@example.com"},
        events=events,
        filter=SubscriptionFilter(**filter),
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
        created_by="p-sam",
    )


def update(changes: dict[str, tuple], priority: str = "normal", queue: str | None = None) -> dict:
    return {
        "eventType": "CASE.UPDATED",
        "changedFieldIds": list(changes),
        "changes": [{"fieldId": f, "oldValue": old, "newValue": new} for f, (old, new) in changes.items()],
        "case": {"referenceNumber": "10009", "priority": priority, "queue": queue},
    }


def test_a_priority_filter_lets_only_those_priorities_through():
    urgent_only = subscription(["CASE.UPDATED"], priorities=["high", "urgent"])

    assert matches(urgent_only, update({"title": ("a", "b")}, priority="urgent"))
    assert not matches(urgent_only, update({"title": ("a", "b")}, priority="normal"))


def test_status_changed_ignores_updates_that_leave_the_status_alone():
    on_status = subscription(["CASE.UPDATED"], status_changed=True)

    assert matches(on_status, update({"status": ("open", "in_progress")}))
    assert not matches(on_status, update({"priority": ("low", "high")}))


def test_status_to_matches_only_moves_to_those_statuses():
    on_resolution = subscription(["CASE.UPDATED"], status_to=["resolved"])

    assert matches(on_resolution, update({"status": ("in_progress", "resolved")}))
    assert not matches(on_resolution, update({"status": ("resolved", "open")}))


def test_an_assignment_subscription_hears_assignee_and_queue_changes_only():
    on_assignment = subscription(["CASE.ASSIGNED"])

    assert matches(on_assignment, update({"assignee": ("ana", "ben")}))
    assert matches(on_assignment, update({"queue": ("billing", "fraud")}))
    assert not matches(on_assignment, update({"status": ("open", "in_progress")}))


def test_a_queue_filter_narrows_to_the_cases_queue():
    fraud_team = subscription(["CASE.ASSIGNED"], queues=["fraud"])

    assert matches(fraud_team, update({"queue": ("billing", "fraud")}, queue="fraud"))
    assert not matches(fraud_team, update({"queue": ("fraud", "billing")}, queue="billing"))


def test_events_not_chosen_do_not_match():
    created_only = subscription(["CASE.CREATED"])

    assert not matches(created_only, update({"assignee": ("ana", "ben")}))
    assert matches(created_only, {"eventType": "CASE.CREATED", "case": {}})
    assert matches(subscription(["SLA.BREACHED"]), {"eventType": "SLA.BREACHED", "case": {}})
    assert not matches(created_only, {"eventType": "RELATED_ITEM.CREATED", "case": {}})


def test_a_rules_notification_reaches_those_who_chose_it_with_their_filter():
    fraud_queue = subscription(["RULE.NOTIFY"], queues=["fraud"])
    notified = {"eventType": "RULE.NOTIFY", "ruleName": "Fraud words", "case": {"priority": "urgent", "queue": "fraud"}}

    assert matches(fraud_queue, notified)
    assert not matches(subscription(["CASE.UPDATED"]), notified)
    assert not matches(fraud_queue, {**notified, "case": {"queue": "general"}})
