"""Who is calling: a principal of one tenant, resolved by the authorizer from an API key or from a
person's Cognito ID token."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from pydantic.alias_generators import to_camel

from casetrail.domain.errors import Forbidden


# A tenant id is in every key (`T#<tenant>#`), in file object keys (`<tenant>/...`) and in metric
# dimensions: stricter than other identifiers (no `#`, no `/`, no whitespace), and as long as a
# principal's tenant may be.
TenantId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
_TENANT_ID = TypeAdapter(TenantId)


def valid_tenant_id(value: str) -> str:
    """The tenant id, or ValueError saying what a tenant id may be."""
    try:
        return _TENANT_ID.validate_python(value)
    except ValueError:
        raise ValueError(
            f"invalid tenant id {value[:80]!r}: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        ) from None


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    INTEGRATION = "integration"
    ADMIN = "admin"


MAX_NAME_LENGTH = 128


class PrincipalKind(StrEnum):
    USER = "user"  # a person signed in with the tenant's user pool; principal_id is their userId
    API_KEY = "apiKey"  # an integration, a script, a Connect flow's key...
    SYSTEM = "system"  # Casetrail itself acting: a rule, an SLA clock, a sweeper, a contact flow


class Principal(BaseModel):
    """The caller. Carried in the API Gateway authorizer context and stamped on audit and events."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    tenant_id: str = Field(min_length=1, max_length=64)
    principal_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    role: Role
    kind: PrincipalKind = PrincipalKind.API_KEY

    @property
    def is_user(self) -> bool:
        return self.kind is PrincipalKind.USER

    def to_authorizer_context(self) -> dict[str, str]:
        # API Gateway only passes flat string values from an authorizer's context.
        return {
            "tenantId": self.tenant_id,
            "principalId": self.principal_id,
            "name": self.name,
            "role": self.role.value,
            "kind": self.kind.value,
        }

    @classmethod
    def from_authorizer_context(cls, context: dict) -> "Principal":
        return cls(
            tenant_id=context["tenantId"],
            principal_id=context["principalId"],
            name=context["name"],
            role=context["role"],
            kind=context.get("kind") or PrincipalKind.API_KEY,
        )


# Who may configure a tenant (subscriptions, templates, rules) and see its figures (usage, metrics).
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require_supervising(principal: Principal, to: str) -> None:
    if principal.role not in SUPERVISING_ROLES:
        raise Forbidden(f"only supervisors and admins may {to}")


def require_admin(principal: Principal, to: str) -> None:
    """Erasing a customer and setting the retention period: a tenant's admins only."""
    if principal.role is not Role.ADMIN:
        raise Forbidden(f"only admins may {to}")
