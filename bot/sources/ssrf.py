"""The SSRF guard for sources that are not trusted (added at run time, not by the operator).

    url -> scheme must be http or https, a host must be there
        -> host resolved with the event loop's getaddrinfo (an IP literal as it is)
        -> EVERY address must be public: no loopback, private, link-local, CGNAT
           (100.64.0.0/10), multicast, reserved or unspecified address, and no IPv6 form
           that embeds one (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96,
           NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo)

The fetcher calls `check_url` before every hop, the first and each redirect, so nothing is
sent to a refused address. Python's `ipaddress` alone is not enough: it calls 100.64.0.1
neither private nor global and 64:ff9b::7f00:1 global, so embedded IPv4 addresses are
unwrapped and judged by `is_global` as well as by the named flags.

Residual risk, accepted: the check resolves the name, then httpx connects by name and resolves
again. A hostile DNS server answering a public address to the check and a private one a moment
later (DNS rebinding) gets through. Closing that needs connecting to the vetted address itself.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from bot.errors import FetchError

__all__ = ["Resolver", "SsrfRefused", "address_refusal", "check_url", "system_resolve"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class SsrfRefused(FetchError):
    """A URL the guard will not let the fetcher touch; the message says why."""


def _flag_refusal(ip: Address) -> str | None:
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"  # e.g. CGNAT 100.64.0.0/10
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return None


def address_refusal(ip: Address) -> str | None:
    """Why the guard refuses this address, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return f"{ip} has a zone, so it is a link-local address"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = _flag_refusal(inner)
            return f"{ip} embeds {inner}, {reason}" if reason else None
        if ip in _IPV4_COMPATIBLE and not (ip.is_loopback or ip.is_unspecified):
            return f"{ip} is an IPv4-compatible address"
        if ip.teredo is not None:
            return f"{ip} is a Teredo address"
    reason = _flag_refusal(ip)
    return f"{ip} is {reason}" if reason else None


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (what a connection would use)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def check_url(url: httpx.URL | str, resolve: Resolver = system_resolve) -> None:
    """Raise SsrfRefused unless url is http(s) and every address its host has is public."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise SsrfRefused(f"refused: not a valid URL: {url}") from exc
    if parsed.scheme not in ("http", "https"):
        raise SsrfRefused(f"refused: only http and https URLs, not {str(url)!r}")
    host = parsed.host
    if not host:
        raise SsrfRefused(f"refused: no host in {str(url)!r}")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = await resolve(host, port)
        except OSError as exc:
            raise SsrfRefused(f"refused: cannot resolve {host}: {exc}") from exc
        addresses = [a for a in (_literal(s.split("%")[0]) for s in found) if a is not None]
        if len(addresses) != len(found) or not addresses:
            raise SsrfRefused(f"refused: {host} resolves to no usable address")
    for address in addresses:
        reason = address_refusal(address)
        if reason is not None:
            shown = "" if literal is not None else f"{host} resolves to "
            raise SsrfRefused(f"refused: {shown}{reason}")
