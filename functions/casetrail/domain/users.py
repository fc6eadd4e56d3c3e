"""People who sign in: a tenant's users, as GET /users shows them and assignees must name them.

Cognito holds their passwords and MFA; the users table holds who belongs to which tenant, in what
role, and whether they are still active (Cognito's ListUsers cannot filter by a custom attribute,
and the authorizer needs one key lookup, not an admin API call, to refuse a disabled user).
"""

from collections.abc import Iterable
from enum import StrEnum

from typing import Annotated

from pydantic import Field, TypeAdapter

from casetrail.domain.errors import UnknownReference
from casetrail.domain.identity import Principal, PrincipalKind, Role
from casetrail.domain.model_base import CamelModel, Identifier, bounded_text


class UserRole(StrEnum):
    """A person's role, which is also their user-pool group. `integration` is for API keys only."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# Queues one person works; a contact center's agent works a handful (the users item stays small).
MAX_QUEUES_PER_USER = 20


Queues = Annotated[list[Identifier], Field(max_length=MAX_QUEUES_PER_USER)]
_QUEUES = TypeAdapter(Queues)


def valid_queues(queues: Iterable[str]) -> list[str]:
    """The queues in the order given, each once, blanks dropped (as an admin types them: a, b,, a);
    pydantic's ValidationError when one is no queue name or there are too many."""
    return _QUEUES.validate_python(list(dict.fromkeys(q.strip() for q in queues if q.strip())))


# A user in several groups acts with the most privileged one.
_PRECEDENCE = (UserRole.ADMIN, UserRole.SUPERVISOR, UserRole.AGENT)


def role_from_groups(groups: list[str] | None) -> UserRole | None:
    """The role a token's `cognito:groups` grants, or None when it names none of ours."""
    return next((role for role in _PRECEDENCE if role.value in (groups or [])), None)


class User(CamelModel):
    """A person of one tenant (GET /users, GET /users/me)."""

    user_id: str = Field(description="The user's Cognito `sub`: an assignee names a user by it")
    name: bounded_text(128)
    email: bounded_text(254)
    role: UserRole
    active: bool = True
    queues: Queues = Field(
        default_factory=list, description="The task queues this person works: their workspace lists these queues' unclaimed tasks"
    )

    def principal(self, tenant_id: str) -> Principal:
        return Principal(tenant_id=tenant_id, principal_id=self.user_id, name=self.name, role=Role(self.role.value), kind=PrincipalKind.USER)


class UnknownAssignee(UnknownReference):
    code = "UNKNOWN_ASSIGNEE"


ASSIGN_TO_CALLER = "me"


def assignee_for(requested: str | None, principal: Principal) -> str | None:
    """`me` is the caller; anything else is taken as given (and checked against the tenant's users)."""
    return principal.principal_id if requested == ASSIGN_TO_CALLER else requested
