"""The SSRF guard: which webhook URLs are refused, given what their host resolves to."""

import pytest

from casetrail.domain.errors import UnsafeWebhookUrl
from casetrail.outbound.webhook_urls import vet


def resolving_to(*addresses: str):
    return lambda host, port: list(addresses)


PUBLIC = resolving_to("93.184.216.34")


def test_a_public_https_url_is_accepted_and_pinned_to_the_checked_address():
    vetted = vet("https://hooks.example.com:8443/in?x=1", allow_loopback=False, resolver=PUBLIC)

    assert (vetted.host, vetted.port, vetted.path, vetted.address) == ("hooks.example.com", 8443, "/in?x=1", "93.184.216.34")


@pytest.mark.parametrize(
    "url, addresses",
    [
        ("http://hooks.example.com/", ["93.184.216.34"]),  # plain http, deployed
        ("https://10.1.2.3/", ["10.1.2.3"]),
        ("https://127.0.0.1/", ["127.0.0.1"]),
        ("https://169.254.169.254/latest/meta-data", ["169.254.169.254"]),
        ("https://[::1]/", ["::1"]),
        ("https://[::ffff:10.0.0.1]/", ["::ffff:10.0.0.1"]),
        ("https://0.0.0.0/", ["0.0.0.0"]),
        ("https://224.0.0.1/", ["224.0.0.1"]),
        ("https://[fe80::1]/", ["fe80::1"]),
        ("https://internal.example.com/", ["93.184.216.34", "192.168.1.10"]),  # any private answer
        ("https://user:pw@hooks.example.com/", ["93.184.216.34"]),
        ("ftp://hooks.example.com/", ["93.184.216.34"]),
    ],
)
def test_urls_reaching_inside_or_not_https_are_refused(url, addresses):
    with pytest.raises(UnsafeWebhookUrl):
        vet(url, allow_loopback=False, resolver=resolving_to(*addresses))


def test_a_host_that_does_not_resolve_is_refused():
    def nowhere(host, port):
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeWebhookUrl):
        vet("https://nowhere.invalid/", allow_loopback=False, resolver=nowhere)


def test_local_mode_allows_plain_http_to_loopback_only():
    assert vet("http://127.0.0.1:8080/hook", allow_loopback=True, resolver=resolving_to("127.0.0.1")).port == 8080
    with pytest.raises(UnsafeWebhookUrl):
        vet("http://10.0.0.5/hook", allow_loopback=True, resolver=resolving_to("10.0.0.5"))
    with pytest.raises(UnsafeWebhookUrl):
        vet("https://169.254.169.254/", allow_loopback=True, resolver=resolving_to("169.254.169.254"))


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2002:5db8:d822::1",  # 6to4 of a public IPv4 address: still refused, it can route anywhere
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::5db8:d822",  # NAT64 of a public IPv4 address
        "64:ff9b:1::a00:1",  # NAT64 local use
        "::ffff:93.184.216.34",  # IPv4-mapped, even of a public address
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "::ffff:0:a00:1",  # IPv4-translated 10.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_ipv6_addresses_embedding_an_ipv4_address_are_refused_whatever_python_thinks_of_them(address):
    # Given a host resolving to an address of one of these forms (Python 3.11.7 calls 6to4 global)
    # When the URL is vetted
    # Then it is refused
    with pytest.raises(UnsafeWebhookUrl):
        vet("https://hooks.example.com/in", allow_loopback=False, resolver=resolving_to(address))


def test_a_plain_public_ipv6_address_is_accepted():
    assert vet("https://hooks.example.com/", allow_loopback=False, resolver=resolving_to("2606:2800:220:1::1")).address == "2606:2800:220:1::1"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/in coming",  # a space http.client refuses to send
        "https://hooks.example.com/in\tcoming",
        "https://hooks.example.com/in?x=a b",
        "https://hooks.example.com/café",  # not percent-encoded
        "https://hooks.example.com:0/in",
        "https://hooks.example.com:25/in",  # SMTP: a Fetch "bad port"
        "https://hooks.example.com:6667/in",  # IRC
        "https://hooks.example.com:70000/in",
        "https://hooks.example.com:https/in",
    ],
)
def test_urls_that_could_never_be_delivered_are_refused(url):
    with pytest.raises(UnsafeWebhookUrl):
        vet(url, allow_loopback=False, resolver=PUBLIC)


def test_an_explicit_port_is_kept_and_a_percent_encoded_path_is_sent_as_written():
    vetted = vet("https://hooks.example.com:8443/in%20coming?x=a%20b", allow_loopback=False, resolver=PUBLIC)

    assert (vetted.port, vetted.path) == (8443, "/in%20coming?x=a%20b")
