"""The SSRF guard, table by table: addresses, URL forms, names that resolve inward."""

from __future__ import annotations

import ipaddress

import pytest

from bot.sources.ssrf import SsrfRefused, address_refusal, check_url


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "not a public"),  # CGNAT: ipaddress calls it neither private nor global
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),  # ipaddress calls it global
        ("ff0e::1", "multicast"),
        ("240.0.0.1", "private"),
        ("255.255.255.255", "private"),
        ("::ffff:127.0.0.1", "embeds 127.0.0.1, a loopback"),
        ("::ffff:10.1.2.3", "embeds 10.1.2.3, a private"),
        ("64:ff9b::7f00:1", "embeds 127.0.0.1, a loopback"),  # ipaddress calls it global
        ("64:ff9b::a9fe:a9fe", "embeds 169.254.169.254, a link-local"),
        ("2002:7f00:1::", "embeds 127.0.0.1, a loopback"),
        ("2002:a00:1::", "embeds 10.0.0.1, a private"),
        ("::7f00:1", "IPv4-compatible"),
        ("::808:808", "IPv4-compatible"),
        ("64:ff9b:1::a00:1", "reserved"),  # local-use NAT64
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ],
)
def test_inward_addresses_are_refused(address: str, reason: str) -> None:
    refusal = address_refusal(ipaddress.ip_address(address))
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


async def _public(host: str, port: int) -> list[str]:
    return ["93.184.215.14"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "127.0.0.1 is a loopback"),
        ("http://[::1]:8080/feed", "::1 is a loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("http://100.64.0.1/", "not a public"),
        ("http://[::ffff:127.0.0.1]/", "embeds 127.0.0.1"),
        ("http://[64:ff9b::7f00:1]/", "embeds 127.0.0.1"),
        ("http://[2002:7f00:1::]/", "embeds 127.0.0.1"),
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.org/feed.xml", "only http and https"),
        ("/etc/passwd", "only http and https"),
        ("example.org/feed", "only http and https"),
        ("http:///feed", "no host"),
    ],
)
async def test_urls_to_inward_addresses_are_refused_without_resolving(
    url: str, reason: str
) -> None:
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.215.14"]

    with pytest.raises(SsrfRefused, match=reason):
        await check_url(url, resolve)
    assert asked == []


async def test_localhost_is_refused_after_real_resolution() -> None:
    with pytest.raises(SsrfRefused, match=r"localhost resolves to .* loopback"):
        await check_url("http://localhost:8080/feed")


@pytest.mark.parametrize(
    "answers",
    [
        ["93.184.215.14", "127.0.0.1"],  # one bad address among good ones is enough
        ["10.0.0.7"],
        ["::ffff:192.168.0.1"],
        [],
    ],
)
async def test_every_resolved_address_is_checked(answers: list[str]) -> None:
    async def resolve(host: str, port: int) -> list[str]:
        return answers

    with pytest.raises(SsrfRefused, match=r"news\.example"):
        await check_url("https://news.example/feed", resolve)


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    async def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(SsrfRefused, match=r"cannot resolve news\.example"):
        await check_url("https://news.example/feed", resolve)


async def test_a_public_name_passes_and_is_asked_with_its_port() -> None:
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return await _public(host, port)

    await check_url("https://news.example/feed", resolve)
    await check_url("http://news.example:8081/feed", resolve)
    assert asked == [("news.example", 443), ("news.example", 8081)]
