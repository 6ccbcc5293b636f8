"""Who may give each command: one table per sub-domain in Role values, checked by the use case
with the acting Principal (the routes declare the same table as their policy)."""

from __future__ import annotations

from datetime import date

import pytest

from servicekit.auth import Principal, Role
from services.nomination.council.application import COMMANDS as COUNCIL_COMMANDS
from services.nomination.dossiers.base import NotAllowedError, roles_for, visible_unit
from services.nomination.dossiers.states import COMMANDS
from tests.unit.nomination.dossiers.test_council import MEMBERS, SECRETARY, member, session_with
from tests.unit.nomination.dossiers.test_paths import APPRAISER, CHAIR, CLERK, NOW, OTHER_CLERK, World


def test_every_dossier_command_names_its_roles_and_whether_a_clerk_acts_for_the_own_unit_only() -> None:
    assert roles_for("decide") == (frozenset({Role.CHAIR, Role.APPRAISER}), False)
    assert roles_for("submit") == (frozenset({Role.UNIT_CLERK}), True)
    assert all(roles_for(command)[0] <= set(Role) for command in COMMANDS)


def test_a_clerk_gives_the_units_commands_for_the_own_unit_only() -> None:
    world = World()
    dossier_id = world.open()
    with pytest.raises(NotAllowedError, match="cán bộ TĐKT của đơn vị đề nghị"):
        world.drafting.edit(dossier_id, None, OTHER_CLERK, summary="x", basis=None, position=None, now=NOW)
    with pytest.raises(NotAllowedError):
        world.review.step(dossier_id, None, CLERK, "accept", NOW)
    admin = Principal(subject="quan-tri", roles=frozenset({Role.ADMIN}))
    world.drafting.edit(dossier_id, None, admin, summary="Sửa bởi quản trị", basis=None, position=None, now=NOW)
    assert world.review.load(dossier_id).summary == "Sửa bởi quản trị"


def test_a_clerks_list_shows_the_own_units_dossiers_and_a_readers_every_units() -> None:
    assert visible_unit(CLERK, None) == "SGDDT" and visible_unit(CLERK, "SYT") == "SGDDT"
    assert visible_unit(APPRAISER, None) is None and visible_unit(CHAIR, "SYT") == "SYT"


def test_the_council_table_decides_who_runs_a_session() -> None:
    assert COUNCIL_COMMANDS["close"].roles == {Role.COUNCIL_SECRETARY, Role.CHAIR}
    _, council, session_id, dossier_id = session_with()
    with pytest.raises(NotAllowedError, match="kết thúc phiên họp"):
        council.close(session_id, member(1), NOW)
    with pytest.raises(NotAllowedError, match="bỏ phiếu"):
        council.vote(session_id, SECRETARY, dossier_id, "yes")  # the secretary records written votes only
    with pytest.raises(NotAllowedError, match="mở phiên họp"):
        council.open(member(1), title="Phiên khác", held_on=date(2026, 3, 21), members=MEMBERS, quorum=3,
                     dossier_ids=[dossier_id], now=NOW)
    council.recuse(session_id, member(2), dossier_id, "tv2", "Người thân của người được đề nghị")
    with pytest.raises(NotAllowedError, match="ghi thành viên không tham gia"):
        council.recuse(session_id, member(3), dossier_id, "tv4", "Không phải của mình")
