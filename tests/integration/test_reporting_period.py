"""Period reports: figures for a quarter, a half year, a year and a range, equal to counts made
here from the events the test publishes; every figure's list; the documents carry the same numbers."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
import pytest

from services.reporting.documents.charts import WIDTH
from services.reporting.main import create_app
from services.reporting.models import PeriodReport
from services.reporting.periods import parse
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import publish
from tests.integration.rendering import docx_pages, pdf_pages, save
from tests.integration.report_story import UNITS, Story, expected, forms_by_year, story
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
READER = auth("auditor")
PERIODS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-H1", "2026-H2", "2026", "2026-02-15..2026-08-20"]


async def period(client: httpx.AsyncClient, code: str, **params: Any) -> Any:
    response = await client.get("/reports/period", params={"period": code, **params}, headers=READER)
    assert response.status_code == 200, response.text
    if params.get("format"):
        return response
    # The body is serialised as it is built, not through the models: the same bytes as PeriodReport's
    # (values read back and validated give them again), so no field is missing, extra or moved.
    assert PeriodReport.model_validate_json(response.content).model_dump_json().encode() == response.content
    return response.json()


def by_key(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["key"]: r["count"] for r in rows if r["count"]}


def check_figures(body: dict[str, Any], want: dict[str, Any]) -> None:
    tasks, awards, movements = body["tasks"], body["awards"], body["movements"]
    assert {k: tasks[k]["count"] for k in ("total", "on_time", "late", "overdue", "open") if tasks[k]["count"]} \
        == {k: v for k, v in want["tasks"].items() if v}
    assert {q["quarter"]: {k: q[k]["count"] for k in ("total", "on_time", "late", "overdue", "open") if q[k]["count"]}
            for q in tasks["by_quarter"] if q["total"]["count"]} == want["tasks_by_quarter"]
    assert {u["unit"]: {k: u[k]["count"] for k in ("total", "on_time", "late", "overdue", "open") if u[k]["count"]}
            for u in tasks["by_unit"]} == want["tasks_by_unit"]
    assert (awards["basis"], awards["total"]["count"], awards["total"]["cash_total"]) == (
        "decided_on", want["awards"], want["cash"])
    assert {r["key"]: r["label"] for r in awards["by_unit"]} == {u: UNITS[u] for u in want["by_unit"]}
    for name, key in (("by_form", "by_form"), ("by_category", "by_category"), ("by_level", "by_level"),
                      ("by_subject", "by_subject"), ("by_unit", "by_unit")):
        assert by_key(awards[name]) == want[key], name
    assert by_key(awards["by_deciding_level"]) == {str(k).lower(): v for k, v in want["by_central"].items()}
    assert by_key(awards["by_achievement_year"]) == {str(k): v for k, v in want["by_year"].items()}
    assert sum(r["count"] for r in awards["by_cluster"]) == want["cluster"]
    assert awards["revoked"]["count"] == want["revoked"]
    assert by_key(awards["forwarded"]["by_result"]) == want["forwarded"]
    assert movements["launched"]["count"] == want["movements"]
    assert by_key(movements["by_kind"]) == want["movements_by_kind"]
    assert movements["concluded"]["count"] == want["concluded"]


def check_years(body: dict[str, Any], published: Story) -> None:
    """Awards per form year on year: the year the period ends in and the 4 before, from the events."""
    years = body["awards"]["by_form_by_year"]
    want = forms_by_year(published, date.fromisoformat(body["period"]["end"]).year)
    assert {y["year"]: by_key(y["by_form"]) for y in years} == want
    assert [y["total"]["count"] for y in years] == [sum(v.values()) for v in want.values()]


async def settled(reports: httpx.AsyncClient, published: Story) -> dict[str, Any]:
    async def complete() -> dict[str, Any]:
        body = await period(reports, "2026")
        assert body["position"]["complete_through"] == len(published.events)
        return body

    return await eventually(complete, timeout=60)


async def test_figures_of_quarters_halves_year_and_a_range_equal_counts_from_the_events(ns: Namespace) -> None:
    published = story()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)

        for code in PERIODS:
            p = parse(code)
            body = await period(reports, code)
            assert (body["period"]["start"], body["period"]["end"]) == (p.start.isoformat(), p.end.isoformat())
            check_figures(body, expected(published, p.start, p.end))
            check_years(body, published)
        # The year's awards by decision date: one decided in December 2025 for 2025 is not in 2026.
        outside = [a for a in published.awards if a["decided"] < date(2026, 1, 1) and not a["revoked"]]
        assert (await period(reports, "2025-12-01..2025-12-31"))["awards"]["total"]["count"] == len(outside)


async def test_every_figure_links_to_the_list_it_counts(ns: Namespace) -> None:
    published = story()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        body = await settled(reports, published)
        body = await period(reports, "2026-H1")
        awards, tasks, movements = body["awards"], body["tasks"], body["movements"]
        figures = [awards["total"], *awards["by_form"], *awards["by_subject"], *awards["by_deciding_level"],
                   *awards["by_unit"], *awards["by_cluster"], *awards["by_achievement_year"], awards["revoked"],
                   awards["forwarded"]["total"], *awards["forwarded"]["by_result"]]
        figures += [tasks[k] for k in ("total", "on_time", "late", "overdue", "open")]
        figures += [q[k] for q in tasks["by_quarter"] for k in ("total", "late")]
        figures += [u["total"] for u in tasks["by_unit"]]
        figures += [movements["launched"], *movements["by_kind"], movements["concluded"]]
        figures += [f for y in awards["by_form_by_year"] for f in (y["total"], *y["by_form"])]
        for figure in figures:
            limit = "&limit=1000" if "dossiers" in figure["list_url"] else ""
            response = await reports.get(figure["list_url"] + limit, headers=READER)
            assert response.status_code == 200, (figure, response.text)
            rows = response.json()
            assert len(rows) == figure["count"], figure
            if figure.get("cash_total") is not None:
                assert sum(r["cash_amount"] or 0 for r in rows) == figure["cash_total"], figure


async def test_a_bad_period_is_refused_naming_the_field_in_vietnamese(ns: Namespace) -> None:
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        for bad in ("2026-Q5", "26", "2026-02-30..2026-03-01", "2026-06-01..2026-01-01"):
            response = await reports.get("/reports/period", params={"period": bad}, headers=READER)
            assert response.status_code == 422, bad
            error = response.json()["error"]
            assert "period" in error["message"] and error["details"][0]["loc"] == ["query", "period"], error
        response = await reports.get("/reports/period", params={"period": "2026", "format": "odt"}, headers=READER)
        assert response.status_code == 422 and "format" in response.json()["error"]["message"]
        assert (await reports.get("/reports/period", params={"period": "2026"})).status_code == 401
        clerk = auth("unit_clerk", unit="SYT")
        assert (await reports.get("/reports/period", params={"period": "2026"}, headers=clerk)).status_code == 403


def _numbers(text: str) -> str:
    return text.replace(".", "")


async def test_documents_carry_the_same_numbers(ns: Namespace) -> None:
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    published = story()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)
        for code in ("2026-H1", "2026"):
            body = await period(reports, code)
            want = expected(published, parse(code).start, parse(code).end)
            awards = body["awards"]
            docx = await period(reports, code, format="docx", number="12/BC-SNV", signed_on="2027-02-05")
            assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
            assert docx.headers["x-tdkt-template"] == "bao-cao-tdkt.v3.docx"
            doc = Document(io.BytesIO(docx.content))
            text = "\n".join(p.text for p in doc.paragraphs)
            cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
            header = " ".join(c for row in cells[:1] for c in row)
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
            assert "Cao Bằng, ngày 05 tháng 02 năm 2027" in header and "Số: 12/BC-SNV" in header
            kind = "Sơ kết" if code.endswith("H1") else "Tổng kết"
            assert f"{kind} công tác thi đua, khen thưởng" in text
            assert f"được giao {want['tasks']['total']} nhiệm vụ" in text
            cash = f"{want['cash']:,}".replace(",", ".")
            assert f"cho {want['awards']} tập thể" in text and f"tổng tiền thưởng {cash} đồng" in text
            form_rows = {row[0]: (int(_numbers(row[1])), int(_numbers(row[2]))) for row in cells
                         if len(row) == 3 and row[0] in {f["label"] for f in awards["by_form"]}}
            assert form_rows == {f["label"]: (f["count"], f["cash_total"]) for f in awards["by_form"]}
            assert "Nơi nhận:" in cells[-1][0] and "KT. GIÁM ĐỐC" in cells[-1][1]
            check_new_sections(doc, body, published)

            xlsx = await period(reports, code, format="xlsx")
            book = load_workbook(io.BytesIO(xlsx.content))
            sheet = book["Khen thưởng theo hình thức"]
            assert [c.value for c in sheet[4]][:3] == ["Hình thức khen thưởng", "Số lượng", "Tiền thưởng (đồng)"]
            rows = {r[0]: (r[1], r[2]) for r in sheet.iter_rows(min_row=5, values_only=True)}
            assert rows == {f["label"]: (f["count"], f["cash_total"]) for f in awards["by_form"]}
            quarters = book["Nhiệm vụ theo quý"]
            assert sum(r[1] for r in quarters.iter_rows(min_row=5, values_only=True)) == want["tasks"]["total"]

            pdf = await period(reports, code, format="pdf", signed_on="2027-02-05")
            reader = PdfReader(io.BytesIO(pdf.content))
            content = "\n".join(page.extract_text() for page in reader.pages)
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in content and "Cao Bằng, ngày 05 tháng 02 năm 2027" in content
            assert f"Khen thưởng (theo ngày ký quyết định): {want['awards']}; tổng tiền thưởng {cash} đồng" \
                in content.replace("\n", " ")
            fonts = {f for page in reader.pages for f in _fonts(page)}
            assert fonts and all(embedded for _, embedded in fonts), fonts
            flat = " ".join(content.split())
            groups = body["priority_groups"]
            assert "Khen thưởng các đối tượng được ưu tiên" in flat
            assert f"Khen thưởng cá nhân {groups['individuals']['count']} " in flat
            counted = {g["key"]: g["count"] for g in groups["groups"]}  # the summary says what section 8 says
            assert (f"Trong kỳ đã khen thưởng {groups['individuals']['count']} cá nhân; trong đó "
                    f"{counted['khong_lanh_dao']} cá nhân không giữ chức vụ lãnh đạo, quản lý, "
                    f"{counted['truc_tiep_lao_dong']} công nhân, nông dân, chiến sĩ, người trực tiếp lao động, sản "
                    f"xuất, công tác, {counted['nu']} nữ, {counted['dan_toc_thieu_so']} người dân tộc thiểu số; "
                    f"{counted['vung_kho_khan']} cá nhân, tập thể ở vùng sâu, vùng xa, vùng đặc biệt khó khăn.") in flat
            totals = " ".join(str(y["total"]["count"]) for y in awards["by_form_by_year"])
            assert f"Tổng số {totals}" in flat  # the last row of awards per form year on year
            images = [image.image for page in reader.pages for image in page.images]  # the charts' PNGs
            assert len(images) == 5 and all(image is not None and image.width == WIDTH for image in images)


def check_new_sections(doc: Any, body: dict[str, Any], published: Story) -> None:
    """The DOCX's awards per form year on year and its section on the priority groups carry the
    JSON's numbers (and the first, the counts made from the events); the five charts are in."""
    text = "\n".join(p.text for p in doc.paragraphs)
    groups = {g["key"]: g["count"] for g in body["priority_groups"]["groups"]}
    individuals = body["priority_groups"]["individuals"]
    assert "8. Khen thưởng các đối tượng được ưu tiên" in text
    assert (f"đã khen thưởng {individuals['count']} cá nhân; trong đó {groups['khong_lanh_dao']} cá nhân không "
            f"giữ chức vụ lãnh đạo, quản lý") in text
    # by the first header (the priority groups' "Đối tượng" comes after the awards by subject's)
    tables = {t.rows[0].cells[0].text: [[c.text for c in r.cells] for r in t.rows] for t in doc.tables}
    assert tables["Đối tượng"][1] == [individuals["label"], str(individuals["count"]),
                                      _money(individuals["cash_total"])]
    assert tables["Đối tượng"][2:7] == [[f"- {g['label']}", str(g["count"]), _money(g["cash_total"])]
                                        for g in body["priority_groups"]["groups"]]
    assert tables["Năm"][1:] == [[str(y["year"]), str(y["individuals"]["count"]), str(y["without_leadership"]["count"]),
                                  str(y["with_leadership"]), str(y["undeclared"])]
                                 for y in body["priority_groups"]["without_leadership_by_year"]]
    [years] = [t for t in doc.tables if t.rows[0].cells[0].text == "Hình thức khen thưởng" and len(t.columns) == 6]
    want = forms_by_year(published, date.fromisoformat(body["period"]["end"]).year)
    assert [c.text for c in years.rows[0].cells][1:] == [str(y) for y in want]
    names = {f["key"]: f["label"] for y in body["awards"]["by_form_by_year"] for f in y["by_form"]}
    shown = {r.cells[0].text: [int(_numbers(c.text)) for c in r.cells[1:]] for r in years.rows[1:]}
    assert shown.pop("Tổng số") == [sum(v.values()) for v in want.values()]
    codes = {code for counts in want.values() for code in counts}
    assert shown == {names[code]: [want[y].get(code, 0) for y in want] for code in codes}
    assert len(doc.inline_shapes) == 5


def _money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


async def test_documents_and_charts_are_rendered_for_people_to_look_at(ns: Namespace) -> None:
    from services.reporting.documents import charts

    published = story()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)
        body = await period(reports, "2026")
        for chart in charts.charts(body):
            svg = save(f"{chart.name}.svg", charts.svg(chart))
            assert svg.read_text(encoding="utf-8").startswith("<svg") and chart.title in svg.read_text("utf-8")
            png = save(f"{chart.name}.png", charts.png(chart))
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        served = await reports.get("/reports/charts/khen-thuong-theo-hinh-thuc", params={"period": "2026"},
                                   headers=READER)
        assert served.headers["content-type"] == "image/svg+xml"
        for form in body["awards"]["by_form"]:
            assert f"{form['label']}</text>" in served.text and f">{form['count']}</text>" in served.text
        drawn = await reports.get("/reports/charts/nhiem-vu-theo-quy", params={"period": "2026", "format": "png"},
                                  headers=READER)
        assert drawn.headers["content-type"] == "image/png" and drawn.content[:4] == b"\x89PNG"
        yearly = await reports.get("/reports/charts/khen-thuong-hinh-thuc-qua-cac-nam", params={"period": "2026"},
                                   headers=READER)
        assert yearly.status_code == 200 and yearly.headers["content-type"] == "image/svg+xml"
        for y in body["awards"]["by_form_by_year"]:  # each year's bar, its total at its end
            assert f">{y['year']}</text>" in yearly.text and f">{y['total']['count']}</text>" in yearly.text
        assert (await reports.get("/reports/charts/nope", params={"period": "2026"}, headers=READER)).status_code \
            == 422
        skipped = []
        for code in ("2026-H1", "2026"):
            files = {fmt: save(f"bao-cao-{code}.{fmt}", (await period(
                reports, code, format=fmt, number="12/BC-SNV", signed_on="2027-02-05")).content)
                for fmt in ("docx", "xlsx", "pdf")}
            for pages in (pdf_pages(files["pdf"]), docx_pages(files["docx"])):
                if isinstance(pages, str):
                    skipped.append(pages)
                else:
                    assert pages and all(p.stat().st_size > 1000 for p in pages)
        if skipped:
            pytest.skip("; ".join(sorted(set(skipped))) + " (files saved under tests/artefacts/reports)")


def _fonts(page: Any) -> set[tuple[str, bool]]:
    found = set()
    for font in (page.get("/Resources") or {}).get("/Font", {}).values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor else {}
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        found.add((str(font.get("/BaseFont")), embedded))
    return found
