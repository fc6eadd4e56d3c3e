"""Case events told in words."""

from casetrail.domain.notification_messages import MAX_SUBJECT_LENGTH, compose

CASE = {"referenceNumber": "10009", "priority": "urgent", "category": "billing", "assignee": None, "queue": "Fraud"}


def updated(changes: dict[str, tuple], case: dict = CASE) -> dict:
    return {
        "eventType": "CASE.UPDATED",
        "caseId": "c-1",
        "changes": [{"fieldId": f, "oldValue": old, "newValue": new} for f, (old, new) in changes.items()],
        "performedBy": {"name": "Ben"},
        "case": case,
    }


def sentence(detail: dict) -> str:
    return compose(detail, link_base_url="https://casetrail.example.com/v1").sentence


def test_a_reassignment_from_a_person_to_a_queue_reads_naturally():
    detail = updated({"assignee": ("Ana", None), "queue": ("billing", "Fraud")})

    assert sentence(detail) == "Case 10009 (urgent, billing) was reassigned from Ana to the Fraud queue by Ben."


def test_a_reassignment_between_people_names_both():
    detail = updated({"assignee": ("Ana", "Carl")}, case={**CASE, "assignee": "Carl"})

    assert sentence(detail) == "Case 10009 (urgent, billing) was reassigned from Ana to Carl by Ben."


def test_a_first_assignment_and_a_status_change_are_told_together():
    detail = updated({"assignee": (None, "Carl"), "status": ("open", "in_progress")}, case={**CASE, "assignee": "Carl", "queue": None})

    assert sentence(detail) == "Case 10009 (urgent, billing) was assigned to Carl and moved from open to in progress by Ben."


def test_other_field_changes_are_named_without_their_values():
    detail = updated({"title": ("Refund", "Refund for a private matter"), "priority": ("high", "urgent")})

    text = sentence(detail)

    assert text == "Case 10009 (urgent, billing) changed priority from high to urgent and had its title updated by Ben."


def test_a_new_case_names_who_opened_it_and_links_to_it():
    message = compose(
        {"eventType": "CASE.CREATED", "caseId": "c-1", "performedBy": {"name": "Ana"}, "case": CASE},
        link_base_url="https://casetrail.example.com/v1/",
    )

    assert message.sentence == "Case 10009 (urgent, billing) was opened by Ana."
    assert message.link == "https://casetrail.example.com/v1/cases/c-1"
    assert message.text == "Case 10009 (urgent, billing) was opened by Ana.\n\nhttps://casetrail.example.com/v1/cases/c-1\n"


def test_an_email_subject_stays_within_the_sns_limit():
    many = {f"field{i}": ("a", "b") for i in range(30)}

    assert len(compose(updated(many), link_base_url=None).subject) <= MAX_SUBJECT_LENGTH


def test_a_rules_notification_names_the_rule():
    detail = {"eventType": "RULE.NOTIFY", "caseId": "c-1", "ruleName": "Fraud words", "case": CASE}

    assert sentence(detail) == "Case 10009 (urgent, billing) matched the rule Fraud words."


def test_a_breach_names_the_sla_and_how_late_it_was_found():
    detail = {
        "eventType": "SLA.BREACHED",
        "caseId": "c-1",
        "approximateChangeTime": "2026-11-25T14:01:30+00:00",
        "case": CASE,
        "relatedItem": {"type": "sla", "content": {"name": "resolve-urgent", "targetMinutes": 240, "targetTime": "2026-11-25T12:00:00Z"}},
    }

    assert sentence(detail) == "Case 10009 (urgent, billing) breached its SLA resolve-urgent (240 business minutes) by 2 h 1 min."


def test_a_merged_duplicate_is_told_as_merged_not_as_changed_fields():
    detail = updated({"status": ("open", "closed"), "mergedInto": (None, "c-9"), "closedAt": (None, "2026-12-01T10:00:00Z")})

    assert sentence(detail) == "Case 10009 (urgent, billing) was merged into case c-9 and closed by Ben."


def test_a_timeline_change_and_a_mention_are_told_without_their_content():
    from casetrail.domain.notification_messages import compose, message_for_person

    detail = {
        "eventType": "RELATED_ITEM.CREATED",
        "caseId": "c-1",
        "case": {"referenceNumber": "10009", "priority": "high"},
        "performedBy": {"name": "Ben Ortiz"},
        "relatedItem": {"type": "comment", "content": {"body": "the customer's card number is ..."}},
    }

    message = compose(detail, link_base_url="https://casetrail.example.com")

    assert message.sentence == "Case 10009 (high) had a comment added by Ben Ortiz."
    mention = message_for_person(detail, message, mentioned=True)
    assert mention.sentence == "Ben Ortiz mentioned you in a comment on Case 10009 (high)."
    assert mention.link == "https://casetrail.example.com/cases/c-1" and "card" not in mention.text
