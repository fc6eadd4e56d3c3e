"""Tenants and API keys.

A key is a random 256-bit secret shown once; only its SHA-256 is stored. A fast hash is enough here
(unlike passwords) because the secret has full entropy: there is nothing to brute-force.
"""

from collections.abc import Iterator
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from casetrail.domain.identity import Principal, Role
from casetrail.store import keys
from casetrail.store.dynamo import Table

API_KEY_PREFIX = "ctk_"
MIN_API_KEY_LENGTH = 20


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    api_key: str  # plaintext: returned once to whoever issued it, never stored
    principal: Principal


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    principal: Principal
    created_at: str
    revoked_at: str | None


class TenantNotFound(Exception):
    pass


class AccessRepository:
    def __init__(self, table: Table):
        self._table = table

    def create_tenant(self, tenant_id: str, name: str) -> bool:
        """Creates the tenant; returns False when it already exists (idempotent). The tenant's
        directory entry is (re)written either way: a tenant made before the directory gets one."""
        item = {**keys.tenant_item(tenant_id), "tenantId": tenant_id, "name": name, "createdAt": _now()}
        created = self._table.put_if_absent(item)
        self._table.put({**keys.tenant_directory_item(tenant_id), "tenantId": tenant_id})
        return created

    def tenant_ids(self) -> Iterator[str]:
        """Every tenant, from the tenant directory, page by page (the sweepers' walk)."""
        token = None
        while True:
            page = self._table.query_page(partition_value=keys.TENANT_DIRECTORY_PARTITION, limit=1000, page_token=token)
            yield from (item["tenantId"] for item in page.items)
            token = page.next_token
            if not token:
                return

    def tenant_exists(self, tenant_id: str) -> bool:
        return self._table.get(keys.tenant_item(tenant_id)) is not None

    def issue_key(self, tenant_id: str, name: str, role: Role, api_key: str | None = None) -> IssuedKey:
        if not self.tenant_exists(tenant_id):
            raise TenantNotFound(tenant_id)
        api_key = api_key or generate_api_key()
        if len(api_key) < MIN_API_KEY_LENGTH:
            raise ValueError(f"an API key must be at least {MIN_API_KEY_LENGTH} characters")
        key_hash = hash_api_key(api_key)
        key_id = uuid.uuid4().hex[:16]
        principal = Principal(tenant_id=tenant_id, principal_id=f"p-{key_id}", name=name, role=role)
        record = {
            "keyId": key_id,
            "keyHash": key_hash,
            **principal.model_dump(by_alias=True, mode="json"),
            "createdAt": _now(),
        }
        self._table.transact_put_new(
            [{**keys.api_key_lookup_item(key_hash), **record}, {**keys.tenant_api_key_item(tenant_id, key_id), **record}]
        )
        return IssuedKey(key_id=key_id, api_key=api_key, principal=principal)

    def resolve(self, api_key: str) -> Principal | None:
        """The principal a live key belongs to, or None for an unknown or revoked key."""
        item = self._table.get(keys.api_key_lookup_item(hash_api_key(api_key)))
        if item is None or item.get("revokedAt"):
            return None
        return _principal(item)

    def list_keys(self, tenant_id: str) -> list[KeyRecord]:
        items = self._table.query_all(pk=keys.tenant_api_keys_partition(tenant_id))
        return [
            KeyRecord(key_id=i["keyId"], principal=_principal(i), created_at=i["createdAt"], revoked_at=i.get("revokedAt"))
            for i in items
        ]

    def revoke_key(self, tenant_id: str, key_id: str) -> bool:
        """Revokes a key of the tenant; returns False when the tenant has no such key."""
        listing = self._table.get(keys.tenant_api_key_item(tenant_id, key_id))
        if listing is None:
            return False
        revoked_at = _now()
        self._table.transact_set(
            [keys.tenant_api_key_item(tenant_id, key_id), keys.api_key_lookup_item(listing["keyHash"])],
            {"revokedAt": revoked_at},
        )
        return True


def _principal(item: dict) -> Principal:
    return Principal.model_validate(item)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
