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
