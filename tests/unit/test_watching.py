"""Mentions in comments and whom a watched case's change reaches: pure domain."""

from casetrail.domain.watching import MAX_MENTIONS, handle_of, mentions_in, watchers_to_notify

USERS = {"ana.lima": ("u-ana", "Ana Lima"), "ben": ("u-ben", "Ben Ortiz")}


def test_a_mention_names_a_user_by_the_local_part_of_their_email():
    assert handle_of("Ana.Lima@example.com") == "ana.lima"
    mentions = mentions_in("@Ana.Lima can you call back? cc @ben.", USERS)

    assert [(m.user_id, m.handle, m.name) for m in mentions] == [("u-ana", "ana.lima", "Ana Lima"), ("u-ben", "ben", "Ben Ortiz")]


def test_unknown_handles_and_email_addresses_are_left_as_text():
    assert mentions_in("ask @carol or write to ben@example.com", USERS) == []


def test_a_user_mentioned_twice_is_mentioned_once():
    assert [m.user_id for m in mentions_in("@ben @ben @BEN", USERS)] == ["u-ben"]


def test_a_comment_mentions_at_most_max_mentions_users():
    many = {f"user{i}": (f"u-{i}", f"User {i}") for i in range(MAX_MENTIONS + 5)}

    assert len(mentions_in(" ".join(f"@user{i}" for i in range(MAX_MENTIONS + 5)), many)) == MAX_MENTIONS


def test_watchers_hear_of_changes_made_by_others_only():
    detail = {"eventType": "RELATED_ITEM.CREATED", "performedBy": {"principalId": "u-ana"}}

    assert watchers_to_notify(detail, ["u-ana", "u-ben", "u-ben"]) == ["u-ben"]
    assert watchers_to_notify({**detail, "eventType": "CASE.CREATED"}, ["u-ben"]) == []


def test_a_handle_two_users_share_names_nobody():
    from casetrail.domain.watching import users_by_handle

    handles = users_by_handle([("u-1", "ana@one.example", "Ana One"), ("u-2", "Ana@two.example", "Ana Two"), ("u-3", "ben@x.example", "Ben")])

    assert handles == {"ben": ("u-3", "Ben")}


def test_an_edit_mentions_only_the_users_its_mentions_change_adds():
    from casetrail.domain.watching import newly_mentioned

    edit = {"eventType": "RELATED_ITEM.UPDATED", "changes": [{"fieldId": "mentions", "oldValue": ["u-ana"], "newValue": ["u-ana", "u-ben"]}]}

    assert newly_mentioned(edit) == ["u-ben"]
    assert newly_mentioned({**edit, "changes": [{"fieldId": "content.body", "oldValue": "a", "newValue": "b"}]}) == []
    assert newly_mentioned({**edit, "eventType": "CASE.UPDATED"}) == []
