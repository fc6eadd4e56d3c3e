"""A person's credential: a Cognito ID token, verified with PyJWT against the user pool's JWKS.

Verified: the RS256 signature (keys from the pool's JWKS, fetched once and cached per instance),
the issuer (this pool), the audience (this app client), the expiry, and `token_use` = `id`. Only
ID tokens are accepted: an access token carries neither the tenant nor the person's name (without
a pre-token-generation trigger), so accepting it too would widen what must be verified for nothing
the workspace needs. Nothing here trusts a token it has not verified, in any mode; only where the
keys come from differs (deployed: the issuer's JWKS; `make run`: moto's, set by the local runner).
"""

from dataclasses import dataclass
from functools import cached_property

import jwt

from casetrail.domain.users import UserRole, role_from_groups

TENANT_CLAIM = "custom:tenant"
GROUPS_CLAIM = "cognito:groups"
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
_JWKS_TIMEOUT_SECONDS = 3  # the authorizer itself has 5
_JWKS_LIFESPAN_SECONDS = 3600  # Cognito rotates keys rarely; an unknown kid refetches anyway


def issuer_of(user_pool_id: str) -> str:
    region = user_pool_id.split("_", 1)[0]  # a pool id is "<region>_<id>"
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url_of(user_pool_id: str) -> str:
    return f"{issuer_of(user_pool_id)}/.well-known/jwks.json"


def looks_like_jwt(credential: str) -> bool:
    # A JWT is three base64url segments and its header is a JSON object ("eyJ" = '{"'); API keys are neither.
    return credential.startswith("eyJ") and credential.count(".") == 2


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class UserClaims:
    user_id: str
    tenant_id: str
    role: UserRole
    name: str
    email: str | None


@dataclass(frozen=True)
class UserPoolClient:
    """The pool and the app client whose ID tokens are accepted, and where the pool's keys are."""

    user_pool_id: str
    client_id: str
    jwks_url: str

    @property
    def issuer(self) -> str:
        return issuer_of(self.user_pool_id)


class TokenVerifier:
    def __init__(self, client: UserPoolClient, keys: jwt.PyJWKClient | None = None):
        self._client = client
        self._given_keys = keys

    @cached_property
    def _keys(self) -> jwt.PyJWKClient:
        return self._given_keys or jwt.PyJWKClient(
            self._client.jwks_url, cache_keys=True, lifespan=_JWKS_LIFESPAN_SECONDS, timeout=_JWKS_TIMEOUT_SECONDS
        )

    def verify(self, token: str) -> UserClaims:
        """The claims of a valid ID token of this pool and client; InvalidToken for anything else."""
        try:
            signing_key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=["RS256"],  # never what the token's header asks for
                audience=self._client.client_id,
                issuer=self._client.issuer,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.PyJWKClientConnectionError:
            raise  # the JWKS is unreachable: a failure of ours (500, alarmed), not the caller's (401)
        except jwt.PyJWTError as error:
            raise InvalidToken(type(error).__name__) from None
        if claims["token_use"] != "id":
            raise InvalidToken("not an ID token")
        role = role_from_groups(claims.get(GROUPS_CLAIM))
        tenant_id, name = claims.get(TENANT_CLAIM), claims.get("name")
        if role is None or not tenant_id or not name:
            raise InvalidToken("the token lacks a tenant, a role group or a name")
        return UserClaims(user_id=claims["sub"], tenant_id=tenant_id, role=role, name=name, email=claims.get("email"))
