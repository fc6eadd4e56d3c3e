"""Administering people: invite a user into a tenant with a role (and the queues they work), set
their queues, disable one.

Cognito holds the credential; the users table holds membership, role and the active flag the
authorizer checks. An invitation writes Cognito first and the users item last, so a user is never
listed (or assignable) before they can sign in; disabling marks the item inactive first, so the
authorizer refuses them at once (within its 60 s cache), then disables them in Cognito, then closes
their email channel (watchers' and mentions' notifications, service/user_channels.py).
"""

from collections.abc import Sequence

from casetrail.domain.users import User, UserRole, valid_queues
from casetrail.outbound.user_pool import CognitoUserPool, NoSuchUser
from casetrail.service.user_channels import UserChannels
from casetrail.store.access import AccessRepository, TenantNotFound
from casetrail.store.users import UserRepository


class UserNotInTenant(Exception):
    pass


class PeopleAdministration:
    def __init__(self, pool: CognitoUserPool, users: UserRepository, access: AccessRepository, channels: UserChannels | None = None):
        self._pool = pool
        self._users = users
        self._access = access
        self._channels = channels  # a disabled user's email channel is closed

    def invite(
        self,
        tenant_id: str,
        *,
        email: str,
        name: str,
        role: UserRole,
        permanent_password: str | None = None,
        queues: Sequence[str] = (),
    ) -> User:
        """Creates the user in the tenant. Without a password, Cognito emails a temporary one they
        must change at first sign-in; with one (demo users), it is theirs and nothing is sent."""
        if not self._access.tenant_exists(tenant_id):
            raise TenantNotFound(tenant_id)
        queues = valid_queues(queues)  # before Cognito: a refused invitation leaves no account behind
        user_id = self._pool.create_user(email=email, name=name, tenant_id=tenant_id, send_invitation=permanent_password is None)
        self._pool.add_to_group(email, role.value)
        if permanent_password is not None:
            self._pool.set_permanent_password(email, permanent_password)
        user = User(user_id=user_id, name=name, email=email, role=role, active=True, queues=queues)
        self._users.put(tenant_id, user)
        return user

    def set_queues(self, tenant_id: str, email: str, queues: Sequence[str]) -> User:
        """Replaces the queues the person works (none: they see no queue's tasks until given some)."""
        user = self._member(tenant_id, email)
        queues = valid_queues(queues)
        self._users.set_queues(tenant_id, user.user_id, queues)
        return user.model_copy(update={"queues": queues})

    def disable(self, tenant_id: str, email: str) -> User:
        user = self._member(tenant_id, email)
        self._users.set_active(tenant_id, user.user_id, False)
        self._pool.disable(email)
        if self._channels is not None:
            self._channels.close(tenant_id, user.user_id)
        return user.model_copy(update={"active": False})

    def _member(self, tenant_id: str, email: str) -> User:
        found = self._pool.find(email)
        user = self._users.get(tenant_id, found.user_id)
        if found.tenant_id != tenant_id or user is None:
            raise UserNotInTenant(email)
        return user


__all__ = ["NoSuchUser", "PeopleAdministration", "UserNotInTenant"]
