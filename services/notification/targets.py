"""Safe webhook targets: https only (http when allowed), never an internal address.

A target is checked when it is registered and again before every call (a name can resolve
elsewhere later); the call then goes to the address that was checked, so a second lookup
cannot swap it. Hosts named in the allow-list may resolve to internal addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.notification.settings import NotificationSettings

Resolver = Callable[[str, int], Awaitable[list[str]]]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints, beyond what the private and link-local ranges already cover.
METADATA = [ipaddress.ip_network(n) for n in ("169.254.169.254/32", "fd00:ec2::254/128", "100.100.100.200/32")]


class TargetRefusedError(Exception):
    """Raised when a webhook URL may not be called (scheme, or an internal address)."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, through the operating system."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def internal(address: IP) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (not address.is_global or address.is_loopback or address.is_link_local or address.is_private
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or any(address in network for network in METADATA))


@dataclass(frozen=True)
class Target:
    """Where one call goes: the checked address, and the name TLS must verify."""

    host: str  # the name, for the TLS server name
    address: str
    port: int


class TargetGuard:
    def __init__(self, settings: NotificationSettings, resolver: Resolver | None = None) -> None:
        self.allow_http = settings.webhook_allow_http
        self.allowed = {h.lower().strip("[]") for h in settings.webhook_allowed_hosts}
        self.resolver = resolver or system_resolver
        self.cache_s = settings.dns_cache_s
        self._cache: dict[tuple[str, int], tuple[float, str]] = {}

    def check_scheme(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and self.allow_http):
            raise TargetRefusedError("URL webhook phải dùng https:// (http:// chỉ dùng được khi hệ thống "
                                     "được cấu hình cho phép, cho văn phòng điện tử trong mạng nội bộ).")

    async def check(self, url: str) -> Target:
        """The address to call for `url`; refused when it is (or resolves to) an internal one."""
        self.check_scheme(url)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return Target(host, await self._address(host, port), port)

    async def _address(self, host: str, port: int) -> str:
        cached = self._cache.get((host, port))
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            addresses = [host] if _literal(host) else await self.resolver(host, port)
        except OSError:
            raise TargetRefusedError(f"Không phân giải được tên máy chủ {host}.") from None
        if not addresses:
            raise TargetRefusedError(f"Không phân giải được tên máy chủ {host}.")
        if host not in self.allowed and any(internal(ipaddress.ip_address(a)) for a in addresses):
            raise TargetRefusedError(
                f"Địa chỉ {host} trỏ tới mạng nội bộ (loopback, link-local, mạng riêng hoặc dịch vụ metadata): "
                "không được phép làm đích webhook, trừ máy chủ có trong danh sách cho phép.")
        self._cache[(host, port)] = (time.monotonic() + self.cache_s, addresses[0])
        return addresses[0]


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
