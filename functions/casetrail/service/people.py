"""Administering people: invite a user into a tenant with a role, disable one.

Cognito holds the credential; the users table holds membership, role and the active flag the
authorizer checks. An invitation writes Cognito first and the users item last, so a user is never
listed (or assignable) before they can sign in; disabling marks the item inactive first, so the
authorizer refuses them at once (within its 60 s cache), then disables them in Cognito, then closes
their email channel (watchers' and mentions' notifications, service/user_channels.py).
"""

from casetrail.domain.users import User, UserRole
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
    ) -> User:
        """Creates the user in the tenant. Without a password, Cognito emails a temporary one they
        must change at first sign-in; with one (demo users), it is theirs and nothing is sent."""
        if not self._access.tenant_exists(tenant_id):
            raise TenantNotFound(tenant_id)
        user_id = self._pool.create_user(email=email, name=name, tenant_id=tenant_id, send_invitation=permanent_password is None)
        self._pool.add_to_group(email, role.value)
        if permanent_password is not None:
            self._pool.set_permanent_password(email, permanent_password)
        user = User(user_id=user_id, name=name, email=email, role=role, active=True)
        self._users.put(tenant_id, user)
        return user

    def disable(self, tenant_id: str, email: str) -> User:
        found = self._pool.find(email)
        user = self._users.get(tenant_id, found.user_id)
        if found.tenant_id != tenant_id or user is None:
            raise UserNotInTenant(email)
        self._users.set_active(tenant_id, user.user_id, False)
        self._pool.disable(email)
        if self._channels is not None:
            self._channels.close(tenant_id, user.user_id)
        return user.model_copy(update={"active": False})


__all__ = ["NoSuchUser", "PeopleAdministration", "UserNotInTenant"]
