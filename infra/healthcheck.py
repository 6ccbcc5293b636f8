"""Container HEALTHCHECK: GET /healthz of the service this container runs.

The slim image has no curl, so the check is this file run by the image's Python. One image
runs any of the five services (`python -m services.<name>`); the service is read from the
command line of PID 1 and its port from `TDKT_<NAME>_PORT` (else the service's default).
`TDKT_HEALTHCHECK_URL` overrides all of that. Exit 0 = healthy, 1 = unhealthy.
"""

from __future__ import annotations

import os
import sys
import urllib.request

DEFAULT_PORTS = {"web": 8000, "plan": 8001, "nomination": 8002, "notification": 8003, "reporting": 8004}


def service_name() -> str | None:
    try:
        with open("/proc/1/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return None
    for arg in argv:
        if arg.startswith(b"services."):
            return arg.decode().split(".")[1]
    return None


def health_url() -> str:
    url = os.environ.get("TDKT_HEALTHCHECK_URL")
    if url:
        return url
    name = service_name()
    if name is None:
        raise SystemExit("healthcheck: cannot tell which service runs here; set TDKT_HEALTHCHECK_URL")
    port = os.environ.get(f"TDKT_{name.upper()}_PORT") or DEFAULT_PORTS.get(name)
    if port is None:
        raise SystemExit(f"healthcheck: no port for service {name!r}; set TDKT_{name.upper()}_PORT")
    return f"http://127.0.0.1:{port}/healthz"


def main() -> int:
    url = health_url()
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except Exception as error:
        print(f"healthcheck: {url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
