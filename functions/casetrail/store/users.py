"""A tenant's users: one partition per tenant (key lookup for one user, one Query per page)."""

from dataclasses import dataclass

from casetrail.domain.errors import InvalidRequest
from casetrail.domain.users import User
from casetrail.store import keys
from casetrail.store.dynamo import InvalidPageToken, Table

USER_PREFIX = "USER#"


@dataclass(frozen=True)
class UserPage:
    items: list[User]
    next_token: str | None


class UserRepository:
    def __init__(self, table: Table):
        self._table = table

    def put(self, tenant_id: str, user: User) -> None:
        self._table.put({**keys.user_item(tenant_id, user.user_id), "tenantId": tenant_id, **user.to_wire()})

    def get(self, tenant_id: str, user_id: str) -> User | None:
        item = self._table.get(keys.user_item(tenant_id, user_id))
        return _user(item) if item else None

    def active_user(self, tenant_id: str, user_id: str) -> User | None:
        """The user when they belong to the tenant and are active; None otherwise (one key lookup)."""
        user = self.get(tenant_id, user_id)
        return user if user is not None and user.active else None

    def page(self, tenant_id: str, *, limit: int, next_token: str | None) -> UserPage:
        try:
            page = self._table.query_page(
                partition_value=keys.tenant_users_partition(tenant_id),
                sort_prefix=("sk", USER_PREFIX),
                limit=limit,
                page_token=next_token,
            )
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error
        return UserPage(items=[_user(i) for i in page.items], next_token=page.next_token)

    def active_users(self, tenant_id: str) -> list[User]:
        """Every active user of the tenant (mentions are matched against them): one Query per 1 MB
        page, a few hundred bytes a user, so one page for thousands of people."""
        users, token = [], None
        while True:
            page = self._table.query_page(
                partition_value=keys.tenant_users_partition(tenant_id), sort_prefix=("sk", USER_PREFIX), limit=1000, page_token=token
            )
            users.extend(user for user in map(_user, page.items) if user.active)
            token = page.next_token
            if token is None:
                return users

    def set_active(self, tenant_id: str, user_id: str, active: bool) -> bool:
        """Marks a user (in)active; False when the tenant has no such user."""
        if self.get(tenant_id, user_id) is None:
            return False
        self._table.transact_set([keys.user_item(tenant_id, user_id)], {"active": active})
        return True

    def set_queues(self, tenant_id: str, user_id: str, queues: list[str]) -> None:
        self._table.transact_set([keys.user_item(tenant_id, user_id)], {"queues": queues})


def _user(item: dict) -> User:
    return User.model_validate(item)
