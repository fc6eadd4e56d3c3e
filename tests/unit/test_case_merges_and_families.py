"""Merging cases and choosing a parent: pure domain, no AWS."""

from datetime import UTC, datetime, timedelta

import pytest

from casetrail.domain.cases import NewCase, open_case
from casetrail.domain.errors import CaseMerged, Forbidden, InvalidRequest, InvalidTransition, NotMergeable, ParentCycle
from casetrail.domain.families import MAX_DEPTH, check_new_parent
from casetrail.domain.identity import Principal, Role
from casetrail.domain.merges import MAX_MERGED_CASES, merge_cases
from casetrail.domain.statuses import CaseStatus

SUPERVISOR = Principal(tenant_id="demo", principal_id="p-sup", name="Sam", role=Role.SUPERVISOR)
AGENT = Principal(tenant_id="demo", principal_id="p-agent", name="Ana", role=Role.AGENT)
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def a_case(case_id: str, **fields):
    command = NewCase.model_validate({"title": "Card lost", "customerId": "cust-1", **fields})
    return open_case(command, case_id=case_id, reference_number="10009", by=AGENT, at=T0).case


def test_a_merge_closes_the_duplicate_pointing_at_the_survivor_which_lists_it():
    merge = merge_cases(a_case("dup"), a_case("keep"), by=SUPERVISOR, at=LATER)

    closed, grown = merge.duplicate.case, merge.survivor.case
    assert (closed.status, closed.merged_into, closed.closed_at, closed.version) == (CaseStatus.CLOSED, "keep", LATER, 2)
    assert (grown.merged_cases, grown.version, grown.status) == (["dup"], 2, CaseStatus.OPEN)
    assert merge.duplicate.event_type == "CASE.UPDATED" and {"status", "mergedInto", "closedAt"} <= set(merge.duplicate.changed_field_ids)
    assert merge.survivor.event_type == "CASE.MERGED" and merge.survivor.changed_field_ids == ["mergedCases"]


def test_an_agent_may_merge_only_a_case_assigned_to_them():
    assert merge_cases(a_case("dup", assignee="p-agent"), a_case("keep"), by=AGENT, at=LATER)
    with pytest.raises(Forbidden):
        merge_cases(a_case("dup", assignee="p-other"), a_case("keep"), by=AGENT, at=LATER)
    with pytest.raises(Forbidden):
        merge_cases(a_case("dup"), a_case("keep"), by=AGENT, at=LATER)


def test_impossible_merges_are_refused():
    dup, keep = a_case("dup"), a_case("keep")
    with pytest.raises(InvalidRequest):
        merge_cases(dup, dup, by=SUPERVISOR, at=LATER)
    with pytest.raises(CaseMerged):
        merge_cases(dup.model_copy(update={"merged_into": "x"}), keep, by=SUPERVISOR, at=LATER)
    with pytest.raises(NotMergeable):
        merge_cases(dup, keep.model_copy(update={"merged_into": "x"}), by=SUPERVISOR, at=LATER)
    with pytest.raises(NotMergeable):
        merge_cases(dup, keep.model_copy(update={"status": CaseStatus.CLOSED}), by=SUPERVISOR, at=LATER)
    with pytest.raises(NotMergeable):
        merge_cases(dup, keep.model_copy(update={"merged_cases": [f"c{i}" for i in range(MAX_MERGED_CASES)]}), by=SUPERVISOR, at=LATER)
    with pytest.raises(InvalidTransition):  # a closed case is final, also for a merge
        merge_cases(dup.model_copy(update={"status": CaseStatus.CLOSED}), keep, by=SUPERVISOR, at=LATER)


def test_a_case_cannot_take_itself_or_a_descendant_as_parent():
    with pytest.raises(ParentCycle):
        check_new_parent("a", ["a"])
    with pytest.raises(ParentCycle):
        check_new_parent("a", ["c", "b", "a"])
    check_new_parent("a", ["b", "c"])


def test_a_family_is_at_most_max_depth_levels_deep():
    check_new_parent("new", [f"p{i}" for i in range(MAX_DEPTH)])
    with pytest.raises(ParentCycle):
        check_new_parent("new", [f"p{i}" for i in range(MAX_DEPTH + 1)])
