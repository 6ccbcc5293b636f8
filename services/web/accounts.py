"""Local accounts for a single machine (`tdkt up`): a JSON file of names, units, roles and
argon2 hashes, written atomically with mode 0600 under a lock. Production signs in with OIDC."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from servicekit.auth import Role

HASHER = PasswordHasher()
NAME_PATTERN = "abcdefghijklmnopqrstuvwxyz0123456789._-"
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))  # verified against when the name is unknown


@dataclass
class Account:
    name: str
    unit: str | None
    roles: list[str]
    password_hash: str
    full_name: str = ""
    disabled: bool = False
    must_change_password: bool = False


class AccountError(ValueError):
    """Raised when an account cannot be created or changed as asked (a Vietnamese message)."""


def check_account(name: str, unit: str | None, roles: list[str]) -> None:
    if not name or len(name) > 64 or any(c not in NAME_PATTERN for c in name):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (tối đa 64 ký tự).")
    unknown = [r for r in roles if r not in {role.value for role in Role}]
    if unknown or not roles:
        raise AccountError(f"Vai trò không hợp lệ: {', '.join(unknown) or '(trống)'}; "
                           f"chọn trong: {', '.join(r.value for r in Role)}.")
    if Role.UNIT_CLERK.value in roles and not unit:
        raise AccountError("Cán bộ TĐKT của đơn vị phải gắn với một đơn vị (--unit).")


def check_password(password: str) -> None:
    if len(password) < 10:
        raise AccountError("Mật khẩu phải có ít nhất 10 ký tự.")


class AccountStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        return {name: Account(**values) for name, values in raw.get("accounts", {}).items()}

    def get(self, name: str) -> Account | None:
        return self.all().get(name)

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right; the same work is done for an unknown name."""
        account = self.get(name)
        try:
            HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return account

    def add(self, name: str, *, unit: str | None, roles: list[str], password: str, full_name: str = "",
            must_change_password: bool = False) -> Account:
        check_account(name, unit, roles)
        check_password(password)
        with self._locked() as accounts:
            if name in accounts:
                raise AccountError(f"Tài khoản '{name}' đã có.")
            accounts[name] = Account(name=name, unit=unit, roles=roles, password_hash=HASHER.hash(password),
                                     full_name=full_name or name, must_change_password=must_change_password)
            return accounts[name]

    def update(self, name: str, *, unit: str | None = None, roles: list[str] | None = None,
               disabled: bool | None = None, password: str | None = None, must_change_password: bool = False) -> None:
        with self._locked() as accounts:
            account = accounts.get(name)
            if account is None:
                raise AccountError(f"Không có tài khoản '{name}'.")
            if roles is not None:
                check_account(name, unit if unit is not None else account.unit, roles)
                account.roles, account.unit = roles, unit if unit is not None else account.unit
            if disabled is not None:
                account.disabled = disabled
            if password is not None:
                check_password(password)
                account.password_hash = HASHER.hash(password)
                account.must_change_password = must_change_password

    def has_admin(self) -> bool:
        return any(Role.ADMIN.value in a.roles and not a.disabled for a in self.all().values())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Account]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            accounts = self.all()
            yield accounts
            self._write(accounts)

    def _write(self, accounts: dict[str, Account]) -> None:
        temporary = self.path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"accounts": {n: asdict(a) for n, a in accounts.items()}}, out, ensure_ascii=False, indent=1)
        os.replace(temporary, self.path)
