"""SSRF guard for webhook URLs: https only, and every address the host resolves to must be public.

Checked when a subscription is created and again at each delivery, where the delivery then
connects to the very address that was checked (see webhook_delivery.py): a DNS answer that
changes between the check and the connection (DNS rebinding) cannot point us inside the VPC.
Local mode (ALLOW_LOOPBACK_WEBHOOKS=true, set only by the local runner) also accepts
http://127.0.0.1 and other loopback addresses, so a receiver on the developer's machine works.
"""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from casetrail.domain.errors import UnsafeWebhookUrl

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def resolve(host: str, port: int) -> list[str]:
    return list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


@dataclass(frozen=True)
class VettedUrl:
    scheme: str
    host: str  # as written: the TLS server name and Host header
    port: int
    path: str  # path and query
    address: str  # the checked IP to connect to


def vet(url: str, *, allow_loopback: bool, resolver: Resolver = resolve) -> VettedUrl:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeWebhookUrl("a webhook URL must be https")
    if parts.username or parts.password:
        raise UnsafeWebhookUrl("a webhook URL may not carry credentials")
    if not parts.hostname:
        raise UnsafeWebhookUrl("a webhook URL needs a host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeWebhookUrl("the webhook URL's port is not valid") from error
    try:
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(parts.hostname, port)]
    except (OSError, UnicodeError, ValueError) as error:
        raise UnsafeWebhookUrl(f"the webhook host {parts.hostname} does not resolve") from error
    if not addresses:
        raise UnsafeWebhookUrl(f"the webhook host {parts.hostname} does not resolve")
    loopback_allowed = allow_loopback and all(_unmapped(a).is_loopback for a in addresses)
    if parts.scheme == "http" and not loopback_allowed:
        raise UnsafeWebhookUrl("a webhook URL must be https")
    if not loopback_allowed:
        for address in addresses:
            if not _is_public(address):
                raise UnsafeWebhookUrl(f"the webhook host {parts.hostname} resolves to a non-public address")
    path = parts.path or "/"
    return VettedUrl(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        address=str(addresses[0]),
    )


def _unmapped(address: IPAddress) -> IPAddress:
    # ::ffff:10.0.0.1 reaches 10.0.0.1: judge an IPv4-mapped address by its IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_public(address: IPAddress) -> bool:
    address = _unmapped(address)
    internal = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or getattr(address, "is_site_local", False)  # IPv6 only
    )
    return address.is_global and not internal
