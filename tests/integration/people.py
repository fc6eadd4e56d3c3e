"""People of a tenant for the tests: registered in the users table, as the admin commands do."""

from casetrail.domain.users import User, UserRole


def register_users(*user_ids: str, tenant_id: str = "demo", role: UserRole = UserRole.AGENT, active: bool = True) -> None:
    from casetrail.settings import get_settings
    from casetrail.store.dynamo import Table
    from casetrail.store.users import UserRepository

    users = UserRepository(Table(get_settings().users_table_name))
    for user_id in user_ids:
        users.put(tenant_id, User(user_id=user_id, name=f"User {user_id}", email=f"{user_id}@example.com", role=role, active=active))
