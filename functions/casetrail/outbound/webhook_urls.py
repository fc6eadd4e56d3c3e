"""SSRF guard for webhook URLs: https only, and every address the host resolves to must be public.

Checked when a subscription is created and again at each delivery, where the delivery then
connects to the very address that was checked (see webhook_delivery.py): a DNS answer that
changes between the check and the connection (DNS rebinding) cannot point us inside the VPC.
Local mode (ALLOW_LOOPBACK_WEBHOOKS=true, set only by the local runner) also accepts
http://127.0.0.1 and other loopback addresses, so a receiver on the developer's machine works.

The address rules do not rely on the running Python's `ipaddress` flags alone: which ranges they
cover changed between patch releases (3.11.7 calls 6to4 addresses global). IPv6 forms that carry an
IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are refused outright: they can route to any
IPv4 host, inside ones included, and no webhook receiver needs one. A URL that could never be sent
(whitespace or a non-ASCII character, which http.client refuses; port 0; a port browsers refuse)
is refused at once too, so it fails at subscribe time instead of being retried into the DLQ.
"""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from casetrail.domain.errors import UnsafeWebhookUrl

Resolver = Callable[[str, int], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges whose addresses embed an IPv4 address (RFC 4291, 6052, 8215, 3056, 4380, 6145).
EMBEDDED_IPV4_NETWORKS = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64, well-known prefix
        "64:ff9b:1::/48",  # NAT64, local use
        "2002::/16",  # 6to4
        "2001::/32",  # Teredo
    )
)
# The Fetch standard's "bad ports": services (SMTP, IRC, SIP, ...) no web request should reach.
BAD_PORTS = frozenset(
    {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
     110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531,
     532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060,
     5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080}
)  # fmt: skip


def _unsendable(url: str) -> bool:
    """Whether the URL holds a character http.client refuses in a request line (space, control,
    non-ASCII: it must be percent-encoded). No regex: compiling a class spanning all of Unicode
    costs ~4 ms on every cold start."""
    return not url.isascii() or any(character <= " " or character == "\x7f" for character in url)


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
    if _unsendable(url):
        raise UnsafeWebhookUrl("a webhook URL may not contain spaces, control or non-ASCII characters: percent-encode them")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeWebhookUrl("a webhook URL must be https")
    if parts.username or parts.password:
        raise UnsafeWebhookUrl("a webhook URL may not carry credentials")
    if not parts.hostname:
        raise UnsafeWebhookUrl("a webhook URL needs a host")
    try:
        # Not `parts.port or ...`: an explicit port 0 must be refused, not read as the default.
        port = parts.port if parts.port is not None else (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeWebhookUrl("the webhook URL's port is not valid") from error
    if port == 0:
        raise UnsafeWebhookUrl("a webhook URL may not use port 0")
    try:
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(parts.hostname, port)]
    except (OSError, UnicodeError, ValueError) as error:
        raise UnsafeWebhookUrl(f"the webhook host {parts.hostname} does not resolve") from error
    if not addresses:
        raise UnsafeWebhookUrl(f"the webhook host {parts.hostname} does not resolve")
    loopback_allowed = allow_loopback and all(_unmapped(a).is_loopback for a in addresses)
    if parts.scheme == "http" and not loopback_allowed:
        raise UnsafeWebhookUrl("a webhook URL must be https")
    if port in BAD_PORTS and not loopback_allowed:  # a developer's own receiver may listen where it likes
        raise UnsafeWebhookUrl(f"a webhook URL may not use port {port}")
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
    if isinstance(address, ipaddress.IPv6Address) and any(address in network for network in EMBEDDED_IPV4_NETWORKS):
        return False
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
