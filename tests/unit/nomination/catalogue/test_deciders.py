"""Who decides since 01/07/2025 (domain.md §7, NĐ 129/2025 Điều 59): with the districts gone, the
commune chairman decides what the district chairman used to."""

from __future__ import annotations

from datetime import date

from tests.unit.nomination.catalogue.helpers import shipped_catalogue

COMMUNE_DECIDES = ["LDTT", "CSTDCS", "TTLDTT", "GK", "THON_VH", "GDVH"]


def test_the_commune_chairman_decides_the_former_district_awards_since_july_2025() -> None:
    catalogue = shipped_catalogue()
    assert [code for code in COMMUNE_DECIDES if "chu_tich_ubnd_xa" in catalogue.award(code).decided_by] == \
        COMMUNE_DECIDES
    authorities = {a.code: a for a in catalogue.awards_file.authorities}
    since = [b for b in authorities["chu_tich_ubnd_xa"].legal_basis if b.in_force(date(2025, 7, 1))
             and not b.in_force(date(2025, 6, 30))]
    assert [(b.document, b.article, b.verified) for b in since] == [("Nghị định số 129/2025/NĐ-CP", "Điều 59", True)]
    # the district chairman is history: no award is decided by that office after 30/06/2025
    district = authorities["chu_tich_ubnd_huyen"].legal_basis
    assert not any(b.in_force(date(2025, 7, 1)) for b in district)
    assert not any("chu_tich_ubnd_huyen" in a.decided_by for a in catalogue.awards)
