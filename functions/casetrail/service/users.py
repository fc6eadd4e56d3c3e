"""Users as the API sees them: who am I, who works here, and who may be named an assignee."""

from casetrail.domain.errors import NotFound
from casetrail.domain.identity import Principal
from casetrail.domain.users import ASSIGN_TO_CALLER, UnknownAssignee, User, assignee_for
from casetrail.service.cases import page_size
from casetrail.store.users import UserPage, UserRepository


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"


class UserDirectory:
    def __init__(self, users: UserRepository):
        self._users = users

    def me(self, principal: Principal) -> User:
        user = self._users.get(principal.tenant_id, principal.principal_id) if principal.is_user else None
        if user is None:
            raise UserNotFound("the caller is not a user of this tenant (an API key is not a person)")
        return user

    def page(self, principal: Principal, *, limit: int, next_token: str | None) -> UserPage:
        return self._users.page(principal.tenant_id, limit=page_size(limit), next_token=next_token)

    def assignee(self, principal: Principal, requested: str | None, current: str | None = None) -> str | None:
        """The assignee to store for a request: `me` is the caller; a value already on the record
        stays (free-string assignees from before users existed are left alone); anything else must
        be an active user of the caller's tenant (422 UNKNOWN_ASSIGNEE)."""
        assignee = assignee_for(requested, principal)
        if assignee is None or assignee == current or assignee == principal.principal_id:
            return assignee
        if self._users.active_user(principal.tenant_id, assignee) is None:
            raise UnknownAssignee(
                f"{assignee} is not an active user of this tenant: name a userId from GET /users, or me",
                details={"assignee": assignee},
            )
        return assignee

    def require_active_users(self, principal: Principal, user_ids: list[str]) -> None:
        """Each must be an active user of the caller's tenant, as written (422 UNKNOWN_ASSIGNEE):
        what a rule stores is applied later, by no one who could say `me`."""
        for user_id in user_ids:
            if user_id == ASSIGN_TO_CALLER or self._users.active_user(principal.tenant_id, user_id) is None:
                raise UnknownAssignee(f"{user_id} is not an active user of this tenant: name a userId from GET /users", details={"assignee": user_id})
