"""How fast a page of the dossier list answers when there are many dossiers, beside the raw
limit measured in the same run: the nomination API's list call alone.

    .venv/bin/python -m bench.web_pages                 # 1,000 dossiers, every page 5 times
    .venv/bin/python -m bench.web_pages --dossiers 3000 --rounds 3

It starts its own PostgreSQL and nats-server (bench/servers.py), the nomination and web services
as processes, opens the dossiers through the API in one submission, signs in as an appraiser
and reads every page of the list (50 rows each). "server" is the web service's own
`Server-Timing` (from the request's arrival to the answer's first byte: session, token,
the nomination call, the template); "client" adds the loopback round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import tempfile
import time
from pathlib import Path

import httpx

from bench.servers import servers
from bench.services_path import Namespace, Service, wait_ready
from bench.stats import Table, latency_text, summary
from servicekit.auth import issue_token
from services.web.accounts import AccountStore
from tdkt.embedded import free_ports

SECRET = "bench-signing-key-of-at-least-32-bytes!"
PAGE = 50


def _env(pg_dsn: str, nats_url: str, ns: Namespace, ports: dict[str, int], accounts: Path) -> dict[str, str]:
    return {**os.environ, "TDKT_PG_DSN": pg_dsn, "TDKT_NATS_URL": nats_url, "TDKT_DB_PREFIX": ns.prefix,
            "TDKT_SUBJECT_ROOT": ns.root, "TDKT_STREAM": ns.stream, "TDKT_JWT_SECRET": SECRET,
            "TDKT_AUDIT_KEY": "bench-audit-key-of-the-tdkt-pipeline-0123",
            "TDKT_NOMINATION_RECORD_KEY": "bench-record-key-of-the-tdkt-pipeline-01",
            "TDKT_LOG_LEVEL": "WARNING", "TDKT_NOMINATION_PORT": str(ports["nomination"]),
            "TDKT_WEB_PORT": str(ports["web"]), "TDKT_WEB_ACCOUNTS_FILE": str(accounts),
            "TDKT_WEB_NOMINATION_URL": f"http://127.0.0.1:{ports['nomination']}",
            "TDKT_NOMINATION_DOCUMENTS_DIR": str(accounts.parent / "documents")}


FAMILY = ["Nông", "Hoàng", "Lý", "Bế", "Đàm", "Triệu", "Lương", "Ma", "Hà", "Lục", "Đinh", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Quang", "Minh", "Thu", "Hồng", "Xuân", "Ngọc", "Hữu", "Kim", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hoa", "Khánh", "Lan", "Mạnh", "Nga", "Phúc", "Quý", "Sơn", "Tâm", "Vinh"]


def _nominees(count: int) -> list[dict[str, object]]:
    names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
    assert count <= len(names), f"at most {len(names)} distinct names"
    return [{"award_code": "LDTT", "year": 2025, "summary": "Hoàn thành xuất sắc nhiệm vụ",
             "nominee": {"name": names[n], "date_of_birth": f"19{60 + n % 40:02d}-01-{1 + n % 28:02d}"}}
            for n in range(count)]


def _time(http: httpx.Client, url: str, **kwargs: object) -> tuple[float, float | None]:
    started = time.perf_counter()
    response = http.get(url, **kwargs)  # type: ignore[arg-type]
    client = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text[:300]
    found = re.search(r"dur=([\d.]+)", response.headers.get("server-timing", ""))
    return client, float(found.group(1)) if found else None


def run(dossiers: int, rounds: int) -> None:
    with servers(print) as found:
        ns, work = Namespace(), Path(tempfile.mkdtemp(prefix="tdkt-bench-web-"))
        ports = dict(zip(("nomination", "web"), free_ports(2), strict=True))
        accounts = work / "accounts.json"
        AccountStore(accounts).add("thamdinh", unit="SNV", roles=["appraiser"], password="mat-khau-bench")
        env = _env(found.pg_dsn, found.nats_url, ns, ports, accounts)
        started = {name: Service(name, env, work / f"{name}.log") for name in ports}
        for service in started.values():
            service.start()
        try:
            asyncio.run(wait_ready({n: (s, f"http://127.0.0.1:{ports[n]}") for n, s in started.items()}))
            _measure(ports, dossiers, rounds)
        finally:
            for service in started.values():
                service.stop()


def _measure(ports: dict[str, int], dossiers: int, rounds: int) -> None:
    api = f"http://127.0.0.1:{ports['nomination']}"
    web = f"http://127.0.0.1:{ports['web']}"
    clerk = issue_token(SECRET, subject="canbo", roles=["unit_clerk"], unit="SGDDT")
    reader = issue_token(SECRET, subject="thamdinh", roles=["appraiser"], unit="SNV")
    with httpx.Client(timeout=600) as http:
        print(f"opening {dossiers} dossiers in one submission …")
        made = http.post(f"{api}/submissions", headers={"Authorization": f"Bearer {clerk}"},
                         json={"title": "Tờ trình thử tải", "year": 2025, "dossiers": _nominees(dossiers)})
        assert made.status_code == 200 and made.json()["created"] == dossiers, made.text[:300]
        form = http.get(f"{web}/dang-nhap")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        signed = http.post(f"{web}/dang-nhap", data={"csrf": csrf, "name": "thamdinh",
                                                    "password": "mat-khau-bench", "next": "/"})
        assert signed.status_code == 303, signed.text[:300]
        pages = (dossiers + PAGE - 1) // PAGE
        raw, client, server = [], [], []
        for _ in range(rounds):
            for page in range(1, pages + 1):
                raw.append(_time(http, f"{api}/dossiers", params={"limit": PAGE + 1, "offset": (page - 1) * PAGE},
                                 headers={"Authorization": f"Bearer {reader}"})[0])
                seen, app = _time(http, f"{web}/ho-so", params={"trang": page})
                client.append(seen)
                server.append(app or seen)
    table = Table()
    table.add("raw limit", "nomination GET /dossiers (51 rows), client ms p50/p95/p99/max", latency_text(summary(raw)))
    table.add("web page", "GET /ho-so?trang=N, server ms p50/p95/p99/max", latency_text(summary(server)),
              "goal: < 300 ms")
    table.add("web page", "the same, client ms p50/p95/p99/max", latency_text(summary(client)))
    table.add("web page", "server p50 ÷ raw p50", f"{summary(server)['p50'] / summary(raw)['p50']:.1f}×",  # type: ignore[operator]
              f"{dossiers} dossiers, {pages} pages × {rounds} rounds")
    print(table.render())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    run(args.dossiers, args.rounds)


if __name__ == "__main__":
    main()
