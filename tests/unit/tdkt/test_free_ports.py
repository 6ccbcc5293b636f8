"""Ports handed to the processes a test or a benchmark starts: never the same one twice."""

import socket

from tdkt.embedded import free_ports


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = free_ports(40)
    assert len(set(ports)) == 40, ports
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free again once handed out
