"""The form that opens a dossier sends the leadership tier and the basis the clerk chose, and no
basis when none was chosen (the nomination service then takes the award's own)."""

from __future__ import annotations

from services.web.format import FILTERS
from services.web.pages.dossiers import _dossier_body


def test_the_tier_and_the_basis_go_to_the_nomination_service_as_chosen() -> None:
    form = {"award_code": "BKT", "year": "2026", "name": "Bế Văn Đàn", "leadership": "true",
            "leadership_title": "Phó Giám đốc Sở", "leadership_tier": "cap_vu_so", "basis": "khang_chien"}
    body = _dossier_body(form)
    assert (body["basis"], body["nominee"]["leadership_tier"], body["nominee"]["leadership"]) == (
        "khang_chien", "cap_vu_so", True)
    unchosen = _dossier_body({**form, "basis": "", "leadership_tier": ""})
    assert "basis" not in unchosen and unchosen["nominee"]["leadership_tier"] is None
    assert (FILTERS["basis"]("cong_trang"), FILTERS["tier"]("doanh_nhan")) == (
        "Thường xuyên (công trạng, thành tích)", "Doanh nhân")
