"""A real SMTP server process for the e-mail tests (aiosmtpd): STARTTLS required, then AUTH
LOGIN/PLAIN with one account; every mail it accepts is written to a folder as a .eml file.

    python -m tests.integration.smtp_server PORT CERT KEY USER PASSWORD FOLDER
"""

from __future__ import annotations

import asyncio
import ssl
import sys
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Folder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = self.folder / f"{uuid.uuid4().hex}.eml"
        recipients = ",".join(envelope.rcpt_tos)
        name.write_bytes(f"X-Envelope-To: {recipients}\r\n".encode() + envelope.original_content)
        return "250 OK"


def main(port: int, cert: str, key: str, user: str, password: str, folder: str) -> None:
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), password.encode())
        return AuthResult(success=ok)

    controller = Controller(Folder(Path(folder)), hostname="127.0.0.1", port=port, tls_context=tls,
                            require_starttls=True, auth_required=True, authenticator=authenticate)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), *sys.argv[2:])
