"""The user pool in the emulation: what infra/constructs/people.py deploys, created in moto's
cognito-idp, and the demo tenant's two people.

moto signs its tokens with a key it publishes with its source: only this runner may ever point the
authorizer at moto's JWKS (USER_POOL_JWKS_URL), and it does so only for the pool it created here.
"""

import os
from dataclasses import dataclass

from casetrail.domain.users import UserRole
from casetrail.local_user_pool import LOCAL_CLIENT_NAME, LOCAL_USER_POOL_NAME
from casetrail.topology import USER_POOL_CLIENT_ID_ENV_VAR, USER_POOL_ID_ENV_VAR, USER_POOL_JWKS_URL_ENV_VAR
from casetrail.user_tokens import TENANT_CLAIM

DEMO_PASSWORD_ENV_VAR = "CASETRAIL_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "Casetrail-demo-1"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: UserRole
    queues: tuple[str, ...]


# Their queues are the demo's: the README's tasks go to billing, config/rules.json sends fraud cases
# to fraud, and the browser journeys queue refunds and claims.
DEMO_USERS = (
    DemoUser("agent@example.com", "Ana Agent", UserRole.AGENT, ("billing", "refunds", "claims")),
    DemoUser("supervisor@example.com", "Sam Supervisor", UserRole.SUPERVISOR, ("fraud", "billing")),
)


@dataclass(frozen=True)
class LocalUserPool:
    user_pool_id: str
    client_id: str


def provision_user_pool(cognito) -> LocalUserPool:
    pool_id = cognito.create_user_pool(
        PoolName=LOCAL_USER_POOL_NAME,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": TENANT_CLAIM.removeprefix("custom:"), "AttributeDataType": "String", "Mutable": False}],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
    for precedence, role in enumerate((UserRole.ADMIN, UserRole.SUPERVISOR, UserRole.AGENT)):
        cognito.create_group(UserPoolId=pool_id, GroupName=role.value, Precedence=precedence)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=LOCAL_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "name", TENANT_CLAIM],
        WriteAttributes=["name"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]["ClientId"]
    return LocalUserPool(user_pool_id=pool_id, client_id=client_id)


def apply_user_pool(pool: LocalUserPool, moto_url: str) -> None:
    """Tells the authorizer which pool and client to accept, and to take the keys from moto."""
    os.environ.update(
        {
            USER_POOL_ID_ENV_VAR: pool.user_pool_id,
            USER_POOL_CLIENT_ID_ENV_VAR: pool.client_id,
            USER_POOL_JWKS_URL_ENV_VAR: f"{moto_url}/{pool.user_pool_id}/.well-known/jwks.json",
        }
    )


def demo_password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV_VAR) or DEFAULT_DEMO_PASSWORD
