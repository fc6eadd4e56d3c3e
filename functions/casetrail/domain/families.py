"""Parent and child cases: which parent a case may take. Pure.

A family is a tree: a case cannot be its own ancestor, and it is at most MAX_DEPTH levels deep,
so checking a new parent reads at most MAX_DEPTH cases (one key lookup each, never a query).
"""

from casetrail.domain.errors import ParentCycle

MAX_DEPTH = 5  # a parent, its parent, ... above a case


def check_new_parent(case_id: str, ancestry: list[str], *, descendant_levels: int = 0) -> None:
    """`ancestry` is the proposed parent followed by its ancestors, nearest first (complete, or
    cut after MAX_DEPTH + 1 entries). `descendant_levels`: how deep the case's own children go, when known."""
    if case_id in ancestry:
        raise ParentCycle(
            f"case {ancestry[0]} cannot be the parent of case {case_id}: it is the case itself or one of its children",
            details={"parentCaseId": ancestry[0]},
        )
    if len(ancestry) + descendant_levels > MAX_DEPTH:
        raise ParentCycle(f"a family of cases is at most {MAX_DEPTH} levels deep", details={"maxDepth": MAX_DEPTH})
