"""The papers of the nomination service, through the real service on a real PostgreSQL and
JetStream: the tờ trình of a submission, the decision draft with its annex and cash, the notice of
non-award, a certificate on a pre-printed blank, an issued decision frozen by its hash and
published, then signed (PAdES) — read back as a person would (python-docx, pypdf, pdfplumber) and
rendered to PNG under tests/artefacts/reports/."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from docx import Document
from fastapi import FastAPI
from pypdf import PdfReader

from services.nomination.council.domainmodel import CouncilSession
from services.nomination.main import create_app
from services.nomination.papers import certificates, signing
from services.nomination.settings import NominationSettings
from tests.integration.rendering import docx_pages, pdf_pages, save
from tests.integration.test_nomination_dossiers import (
    APPRAISER,
    CHAIR,
    CLERK,
    PDF,
    opened,
    record_history,
    schema_valid,
    through_council,
    to_appraisal,
)
from tests.support import Namespace, auth, eventually, read_stream, serve
from tests.unit.nomination.test_papers_signing import key_and_certificate

pytestmark = pytest.mark.integration
NAMES = ["Nông Thị Hoa", "Hoàng Văn Thạch", "Lục Thị Mến"]
# BKT for an individual: 1.5 × the base salary in force on the decision date (2,530,000 đ from
# 01/7/2026, NĐ 161/2026) = 3,795,000, rounded up to the next 10,000 đ: 3,800,000 đ (domain.md §7).
CASH_EACH = 3_800_000


def signing_key() -> tuple[bytes, bytes]:
    """A PKCS#12 file (key and self-signed certificate) and the certificate (DER) to trust."""
    key, cert = key_and_certificate()
    p12 = pkcs12.serialize_key_and_certificates(b"khoa-thu", key, cert, None,
                                                serialization.BestAvailableEncryption(b"mat-khau"))
    return p12, cert.public_bytes(serialization.Encoding.DER)


def with_signing_key(ns: Namespace, tmp_path: Path) -> tuple[FastAPI, bytes]:
    """The nomination service signing with a PKCS#12 file, and the certificate to trust."""
    p12, trusted = signing_key()
    (tmp_path / "khoa.p12").write_bytes(p12)
    settings = ns.settings(NominationSettings, documents_dir=tmp_path / "documents",
                           signing_pkcs12=tmp_path / "khoa.p12", signing_passphrase="mat-khau")
    return create_app(settings, clock=lambda: datetime(2026, 7, 15, 2, tzinfo=UTC)), trusted


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def looked_at(name: str, data: bytes) -> None:
    """Saved and rendered to PNG pages (LibreOffice for DOCX only where it is installed)."""
    path = save(name, data)
    pages = docx_pages(path) if name.endswith(".docx") else pdf_pages(path)
    if isinstance(pages, str):
        assert name.endswith(".docx"), pages  # pdftoppm is installed here; LibreOffice may not be
    else:
        assert pages and all(p.stat().st_size > 1000 for p in pages)


async def documents_issued(ns: Namespace, count: int) -> list:
    """The DocumentIssued messages on the stream, once there are `count` of them."""
    messages = await read_stream(ns, f"{ns.subject_root}.nomination.>")
    found = [m for m in messages if m.headers["ce-type"].split(".")[-2] == "DocumentIssued"]
    assert len(found) == count, [m.headers["ce-type"] for m in messages]
    return found


async def prepared(client) -> tuple[str, list[str]]:
    """A submission of three simplified BKT dossiers: two awaiting the decision, one rejected."""
    body = {"title": "Tờ trình số 12/TTr-SGDĐT", "year": 2025, "dossiers": [
        {"award_code": "BKT", "year": 2025, "simplified": True, "summary": f"Giáo viên dạy giỏi ({n})",
         "nominee": {"name": name, "id_number": f"00419001234{n}", "date_of_birth": "1990-03-15",
                     "gender": "nu", "position": "Giáo viên, Trường THPT Cao Bình"}}
        for n, name in enumerate(NAMES)]}
    submitted = await client.post("/submissions", json=body, headers=CLERK)
    assert submitted.status_code == 200 and submitted.json()["created"] == 3, submitted.text
    submission_id = submitted.json()["submission_id"]

    async def listed() -> dict[str, str]:
        rows = (await client.get("/dossiers?unit=SGDDT", headers=APPRAISER)).json()
        found = {row["nominee_name"]: row["dossier_id"] for row in rows}
        assert set(NAMES) <= set(found), rows
        return found

    by_name = await eventually(listed)
    ids = [by_name[name] for name in NAMES]
    for dossier_id in ids:
        dossier = (await client.get(f"/dossiers/{dossier_id}", headers=CLERK)).json()
        await record_history(client, dossier["nominee"]["ref"])
        for kind in dossier["required_documents"]:
            attached = await client.post(f"/dossiers/{dossier_id}/documents", headers=CLERK, data={"kind": kind},
                                         files={"file": (f"{kind}.pdf", PDF, "application/pdf")})
            assert attached.status_code == 200, attached.text
        for step, who, step_body in [
                ("unit-council", CLERK, {"meeting_on": "2026-02-20", "agreed": 9, "present": 10,
                                         "attestations": ["guong_mau_chap_hanh"]}),
                ("submit", CLERK, None), ("accept", APPRAISER, None)]:
            response = await client.post(f"/dossiers/{dossier_id}/{step}", headers=who, json=step_body)
            assert response.status_code == 200, (step, response.text)
    for dossier_id in ids[:2]:
        appraised = await client.post(f"/dossiers/{dossier_id}/appraise", headers=APPRAISER, json={
            "confirmed_unknown": "Đã đối chiếu: không có kỷ luật, khiếu nại"})
        assert appraised.status_code == 200, appraised.text
        state = (await client.get(f"/dossiers/{dossier_id}", headers=APPRAISER)).json()["state"]
        assert state == "awaiting_decision"
    rejected = await client.post(f"/dossiers/{ids[2]}/reject", headers=APPRAISER,
                                 json={"reason": "Chưa có sáng kiến được công nhận ở cấp cơ sở"})
    assert rejected.status_code == 200, rejected.text
    return submission_id, ids


async def test_the_papers_of_a_submission_from_the_tờ_trình_to_the_signed_decision(ns: Namespace, tmp_path) -> None:
    app, trusted = with_signing_key(ns, tmp_path)
    async with serve(app) as client:
        submission_id, ids = await prepared(client)

        # -- the tờ trình of the submission (Mẫu 01), DOCX and PDF, listing its dossiers ----------------
        for fmt in ("docx", "pdf"):
            got = await client.get(f"/submissions/{submission_id}/to-trinh",
                                   params={"format": fmt, "signed_on": "2027-02-05"}, headers=CLERK)
            assert got.status_code == 200, got.text
            assert got.headers["content-type"].startswith("application/pdf" if fmt == "pdf" else
                                                          "application/vnd.openxmlformats")
            text = (docx_text if fmt == "docx" else pdf_text)(got.content)
            for expected in ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                             "Độc lập - Tự do - Hạnh phúc", "/TTr-SGDDT", "Cao Bằng, ngày 05 tháng 02 năm 2027",
                             "TỜ TRÌNH", "Kính gửi",
                             "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 3 trường hợp", "Nơi nhận", *NAMES,
                             "THỦ TRƯỞNG ĐƠN VỊ", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"):
                assert expected in " ".join(text.split()), (fmt, expected)
            looked_at(f"nomination-to-trinh.{fmt}", got.content)
        other_unit = await client.get(f"/submissions/{submission_id}/to-trinh",
                                      headers=auth("unit_clerk", unit="SYT", subject="canbo.syt"))
        assert other_unit.status_code == 403, other_unit.text
        missing = await client.get("/submissions/00000000-0000-0000-0000-000000000001/to-trinh", headers=APPRAISER)
        assert missing.status_code == 404 and "Không tìm thấy đợt đề nghị" in missing.json()["error"]["message"]

        # -- the decision draft: annex of awardees, cash from the catalogue for the signing date, total --
        draft = {"ids": ids[:2], "signed_on": "2026-07-20"}
        for fmt in ("docx", "pdf"):
            got = await client.get("/decision-drafts", params={**draft, "format": fmt}, headers=APPRAISER)
            assert got.status_code == 200, got.text
            text = " ".join((docx_text if fmt == "docx" else pdf_text)(got.content).split())
            for expected in ("ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG", "/QĐ-UBND", "Cao Bằng, ngày 20 tháng 7 năm 2026",
                             "QUYẾT ĐỊNH", "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                             "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH CAO BẰNG", "Điều 1.", "Điều 2.", "Điều 3.",
                             "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", *NAMES[:2], "Sở Giáo dục và Đào tạo",
                             f"{CASH_EACH:,}".replace(",", "."), f"{2 * CASH_EACH:,}".replace(",", "."),
                             "Bảy triệu sáu trăm nghìn đồng", "Tổng cộng"):
                assert expected in text, (fmt, expected)
            assert NAMES[2] not in text
            looked_at(f"nomination-quyet-dinh.{fmt}", got.content)
        annex = Document(io.BytesIO((await client.get("/decision-drafts", params={**draft, "format": "docx"},
                                                       headers=APPRAISER)).content)).tables[-1]
        cash = [row.cells[5].text for row in annex.rows[1:]]
        assert cash == [f"{CASH_EACH:,}".replace(",", ".")] * 2 + [f"{2 * CASH_EACH:,}".replace(",", ".")]
        with_rejected = await client.get("/decision-drafts", params={"ids": ids}, headers=APPRAISER)
        assert with_rejected.status_code == 409 and ids[2] in with_rejected.json()["error"]["details"]["dossier_ids"]
        assert NAMES[2] in with_rejected.json()["error"]["message"]
        bad_format = await client.get("/decision-drafts", params={"ids": ids[:1], "format": "xlsx"},
                                      headers=APPRAISER)
        assert bad_format.status_code == 422 and "format" in json.dumps(bad_format.json())
        assert (await client.get("/decision-drafts", params={"ids": ids[:1]}, headers=CLERK)).status_code == 403

        # -- the notice of non-award, with the reason ----------------------------------------------------
        notice = await client.get(f"/dossiers/{ids[2]}/non-award-notice", params={"format": "pdf"}, headers=CLERK)
        assert notice.status_code == 200, notice.text
        text = " ".join(pdf_text(notice.content).split())
        for expected in ("SỞ NỘI VỤ", "/TB-SNV", "THÔNG BÁO", NAMES[2], "Kính gửi: Sở Giáo dục và Đào tạo",
                         "Chưa có sáng kiến được công nhận ở cấp cơ sở", "KT. GIÁM ĐỐC"):
            assert expected in text, expected
        looked_at("nomination-thong-bao.pdf", notice.content)
        docx_notice = await client.get(f"/dossiers/{ids[2]}/non-award-notice", headers=CLERK)
        assert "Chưa có sáng kiến được công nhận ở cấp cơ sở" in docx_text(docx_notice.content)
        not_rejected = await client.get(f"/dossiers/{ids[0]}/non-award-notice", headers=CLERK)
        assert not_rejected.status_code == 409 and "không được khen thưởng" in not_rejected.json()["error"]["message"]

        # -- the decision is made: the certificate on the blank, fields where configured -------------------
        too_early = await client.get(f"/dossiers/{ids[0]}/certificate", params={"blank": "bang-khen-tinh"},
                                     headers=APPRAISER)
        assert too_early.status_code == 409, too_early.text
        decided = await client.post(f"/dossiers/{ids[0]}/decide", headers=CHAIR,
                                    json={"number": "125/QĐ-UBND", "decided_on": "2026-07-20"})
        assert decided.status_code == 200, decided.text
        printed = await client.get(f"/dossiers/{ids[0]}/certificate", params={"blank": "bang-khen-tinh"},
                                   headers=APPRAISER)
        assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf", printed.text
        looked_at("nomination-bang-khen.pdf", printed.content)
        placed = measured(printed.content)
        blank = certificates.blank("bang-khen-tinh")
        assert set(placed) == set(blank.fields), placed
        for field, (x, y) in placed.items():
            box = blank.fields[field]
            assert abs(x - box.x) <= 1 and abs(y - box.y) <= 1, (field, (x, y), (box.x, box.y))
        assert "Quyết định số 125/QĐ-UBND ngày 20/07/2026" in pdf_text(printed.content)
        unknown = await client.get(f"/dossiers/{ids[0]}/certificate", params={"blank": "phoi-la"}, headers=APPRAISER)
        assert unknown.status_code == 422 and "phôi" in unknown.json()["error"]["message"]
        wrong = await client.get(f"/dossiers/{ids[0]}/certificate", params={"blank": "giay-khen"}, headers=APPRAISER)
        assert wrong.status_code == 422 and wrong.json()["error"]["details"]["field"] == "blank"
        page = await client.get("/certificates/calibration", params={"blank": "bang-khen-tinh"}, headers=APPRAISER)
        assert page.status_code == 200 and "Trang căn chỉnh phôi" in pdf_text(page.content)
        looked_at("nomination-can-chinh-bang-khen.pdf", page.content)

        # -- issued: frozen by its hash and the event position, published, then signed ---------------------
        issue = {"dossier_ids": ids[:2], "number": "125/QĐ-UBND", "signed_on": "2026-07-20",
                 "signer_name": "Hoàng Xuân Ánh"}
        issued = await client.post("/issued-documents", json=issue, headers=CHAIR)
        assert issued.status_code == 201, issued.text
        record = issued.json()
        assert record["stream_position"] > 0 and record["media_type"] == "application/pdf"
        frozen = await client.get(f"/issued-documents/{record['id']}/file", headers=APPRAISER)
        assert hashlib.sha256(frozen.content).hexdigest() == record["sha256"] and len(frozen.content) == record["size"]
        assert "Số: 125/QĐ-UBND" in pdf_text(frozen.content) and "Hoàng Xuân Ánh" in pdf_text(frozen.content)
        again = await client.post("/issued-documents", json=issue, headers=CHAIR)
        assert again.status_code == 409 and "đã được ban hành" in again.json()["error"]["message"]
        no_number = await client.post("/issued-documents", json={**issue, "number": " / "}, headers=CHAIR)
        assert no_number.status_code == 422 and "number" in json.dumps(no_number.json())
        assert (await client.get(f"/issued-documents/{record['id']}/file", params={"signed": True},
                                 headers=APPRAISER)).status_code == 409

        signed_record = await client.post(f"/issued-documents/{record['id']}/signature", headers=CHAIR)
        assert signed_record.status_code == 200, signed_record.text
        signed_file = (await client.get(f"/issued-documents/{record['id']}/file", params={"signed": True},
                                        headers=APPRAISER)).content
        assert hashlib.sha256(signed_file).hexdigest() == signed_record.json()["signed"]["sha256"]
        assert signed_file.startswith(frozen.content)  # an incremental update: the issued bytes stay
        verdict = await asyncio.to_thread(signing.verify, signed_file, [trusted])  # pyHanko runs its own loop
        assert verdict.valid and verdict.intact and verdict.trusted and "khóa thử" in verdict.signer, verdict
        changed = bytearray(signed_file)
        changed[len(frozen.content) // 2] ^= 0x01
        assert not (await asyncio.to_thread(signing.verify, bytes(changed), [trusted])).valid
        twice = await client.post(f"/issued-documents/{record['id']}/signature", headers=CHAIR)
        assert twice.status_code == 409 and "đã được ký" in twice.json()["error"]["message"]
        looked_at("nomination-quyet-dinh-ky-so.pdf", signed_file)

        events = await eventually(lambda: documents_issued(ns, 2))
        for message in events:
            schema_valid(message)
        first, second = (json.loads(m.data) for m in events)
        assert (first["sha256"], first["signed"], first["stream_position"]) == (
            record["sha256"], False, record["stream_position"])
        assert (second["sha256"], second["signed"], second["unsigned_sha256"]) == (
            signed_record.json()["signed"]["sha256"], True, record["sha256"])
        assert sorted(first["dossier_ids"]) == sorted(ids[:2])

        # -- the draft of the dossiers a council session passed ---------------------------------------------
        dossier = await opened(client, name="Đàm Văn Lý", id_number="004190012349")
        await record_history(client, dossier["nominee"]["ref"])
        council_dossier = await to_appraisal(client, dossier)
        appraised = await client.post(f"/dossiers/{council_dossier}/appraise", headers=APPRAISER,
                                      json={"confirmed_unknown": "Đã đối chiếu: không có kỷ luật"})
        assert appraised.status_code == 200, appraised.text
        assert (await through_council(client, council_dossier))["passed"]
        session_id = CouncilSession.create_id("Phiên họp Hội đồng TĐKT tỉnh tháng 3/2026", date(2026, 3, 20))
        of_session = await client.get(f"/council/sessions/{session_id}/decision-draft",
                                      params={"format": "pdf", "signed_on": "2026-07-20"}, headers=APPRAISER)
        assert of_session.status_code == 200, of_session.text
        text = " ".join(pdf_text(of_session.content).split())
        assert "Đàm Văn Lý" in text and NAMES[0] not in text and f"{CASH_EACH:,}".replace(",", ".") in text
        unknown_session = await client.get(f"/council/sessions/{ids[0]}/decision-draft", headers=APPRAISER)
        assert unknown_session.status_code == 404, unknown_session.text

        # later events (another dossier's whole way, a signature) leave the issued file as it was
        later = await client.get(f"/issued-documents/{record['id']}/file", headers=APPRAISER)
        assert later.content == frozen.content


def measured(data: bytes) -> dict[str, tuple[float, float]]:
    """Where each field's first line landed (mm from the top-left corner), read from the PDF's
    characters: x at the line's anchor (left end, middle or right end, per the blank), y the baseline."""
    blank = certificates.blank("bang-khen-tinh")
    mm = 25.4 / 72
    found: dict[str, tuple[float, float]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert abs(page.width * mm - blank.page.width) < 0.5 and abs(page.height * mm - blank.page.height) < 0.5
        lines: dict[float, list[dict]] = {}
        for char in page.chars:
            lines.setdefault(round(page.height - char["matrix"][5], 1), []).append(char)
        for field, box in blank.fields.items():
            baseline = min(lines, key=lambda y: abs(y * mm - box.y))
            chars = sorted((c for c in lines[baseline]  # the field's own room: fields may share a baseline
                            if c["x0"] * mm >= box.left - 1 and c["x1"] * mm <= box.left + box.width + 1),
                           key=lambda c: c["x0"])
            if abs(baseline * mm - box.y) > 5:
                continue
            left, right = chars[0]["x0"] * mm, chars[-1]["x1"] * mm
            x = {"left": left, "center": (left + right) / 2, "right": right}[box.align]
            found[field] = (x, baseline * mm)
    return found


async def test_a_tờ_trình_and_a_notice_of_non_award_are_issued_frozen_and_signed(ns: Namespace, tmp_path) -> None:
    app, trusted = with_signing_key(ns, tmp_path)
    other_clerk = auth("unit_clerk", unit="SYT", subject="canbo.syt")
    async with serve(app) as client:
        submission_id, ids = await prepared(client)

        # -- the unit issues its tờ trình: frozen by its hash and the event position, listing its dossiers -----
        issue = {"number": "12/TTr-SGDĐT", "signed_on": "2026-07-10", "signer_name": "Bế Văn Hùng"}
        to_trinh = f"/submissions/{submission_id}/to-trinh/issued"
        assert (await client.post(to_trinh, json=issue, headers=other_clerk)).status_code == 403
        assert (await client.post(to_trinh, json=issue, headers=APPRAISER)).status_code == 403
        issued = await client.post(to_trinh, json=issue, headers=CLERK)
        assert issued.status_code == 201, issued.text
        trinh = issued.json()
        assert (trinh["kind"], trinh["unit_code"], trinh["number"]) == ("to_trinh", "SGDDT", "12/TTr-SGDĐT")
        assert sorted(trinh["dossier_ids"]) == sorted(ids) and trinh["stream_position"] > 0
        trinh_file = await client.get(f"/issued-documents/{trinh['id']}/file", headers=CLERK)
        assert trinh_file.status_code == 200, trinh_file.text
        assert hashlib.sha256(trinh_file.content).hexdigest() == trinh["sha256"]
        text = " ".join(pdf_text(trinh_file.content).split())
        for expected in ("TỜ TRÌNH", "Số: 12/TTr-SGDĐT", "Bế Văn Hùng", "Cao Bằng, ngày 10 tháng 7 năm 2026", *NAMES):
            assert expected in text, expected
        assert "to-trinh-" in trinh_file.headers["content-disposition"]
        assert (await client.get(f"/issued-documents/{trinh['id']}", headers=other_clerk)).status_code == 403
        assert (await client.get(f"/issued-documents/{trinh['id']}", headers=APPRAISER)).status_code == 200
        again = await client.post(to_trinh, json=issue, headers=CLERK)
        assert again.status_code == 409 and "Tờ trình số 12/TTr-SGDĐT" in again.json()["error"]["message"]
        no_number = await client.post(to_trinh, json={**issue, "number": "   /  "}, headers=CLERK)
        assert no_number.status_code == 422 and "number" in json.dumps(no_number.json())
        missing = await client.post("/submissions/00000000-0000-0000-0000-000000000001/to-trinh/issued",
                                    json=issue, headers=CLERK)
        assert missing.status_code == 404 and "Không tìm thấy đợt đề nghị" in missing.json()["error"]["message"]

        # -- the unit signs its tờ trình with the service's key: it validates, a changed byte breaks it ------
        assert (await client.post(f"/issued-documents/{trinh['id']}/signature", headers=other_clerk)).status_code == 403
        signed = await client.post(f"/issued-documents/{trinh['id']}/signature", headers=CLERK)
        assert signed.status_code == 200, signed.text
        signed_trinh = (await client.get(f"/issued-documents/{trinh['id']}/file", params={"signed": True},
                                         headers=CLERK)).content
        assert signed_trinh.startswith(trinh_file.content)
        assert hashlib.sha256(signed_trinh).hexdigest() == signed.json()["signed"]["sha256"]
        assert (await asyncio.to_thread(signing.verify, signed_trinh, [trusted])).valid
        changed = bytearray(signed_trinh)
        changed[len(trinh_file.content) // 3] ^= 0x01
        assert not (await asyncio.to_thread(signing.verify, bytes(changed), [trusted])).valid
        looked_at("nomination-to-trinh-ky-so.pdf", signed_trinh)

        # -- Sở Nội vụ issues the notice of non-award of the rejected dossier, and signs it ---------------------
        notice_of = f"/dossiers/{ids[2]}/non-award-notice/issued"
        notice_body = {"number": "30/TB-SNV", "signed_on": "2026-07-12"}
        assert (await client.post(notice_of, json=notice_body, headers=CLERK)).status_code == 403
        not_rejected = await client.post(f"/dossiers/{ids[0]}/non-award-notice/issued", json=notice_body,
                                         headers=APPRAISER)
        assert not_rejected.status_code == 409 and ids[0] in not_rejected.json()["error"]["details"]["dossier_ids"]
        issued = await client.post(notice_of, json=notice_body, headers=APPRAISER)
        assert issued.status_code == 201, issued.text
        notice = issued.json()
        assert (notice["kind"], notice["unit_code"], notice["dossier_ids"]) == ("thong_bao_khong_khen", "SGDDT",
                                                                               [ids[2]])
        notice_file = await client.get(f"/issued-documents/{notice['id']}/file", headers=CLERK)  # the unit reads it
        assert notice_file.status_code == 200 and hashlib.sha256(notice_file.content).hexdigest() == notice["sha256"]
        text = " ".join(pdf_text(notice_file.content).split())
        assert "Số: 30/TB-SNV" in text and "Chưa có sáng kiến được công nhận ở cấp cơ sở" in text
        assert (await client.get(f"/issued-documents/{notice['id']}", headers=other_clerk)).status_code == 403
        assert (await client.post(f"/issued-documents/{notice['id']}/signature", headers=CLERK)).status_code == 403
        signed_notice = await client.post(f"/issued-documents/{notice['id']}/signature", headers=APPRAISER)
        assert signed_notice.status_code == 200, signed_notice.text
        notice_signed = (await client.get(f"/issued-documents/{notice['id']}/file", params={"signed": True},
                                          headers=APPRAISER)).content
        assert (await asyncio.to_thread(signing.verify, notice_signed, [trusted])).valid

        # -- both are announced: DocumentIssued for the issued file and for its signed copy ---------------------
        events = await eventually(lambda: documents_issued(ns, 4))
        for message in events:
            schema_valid(message)
        told = {(e["kind"], e["signed"]): e for e in (json.loads(m.data) for m in events)}
        assert (told["to_trinh", False]["sha256"], told["to_trinh", False]["stream_position"]) == (
            trinh["sha256"], trinh["stream_position"])
        assert told["to_trinh", True]["unsigned_sha256"] == trinh["sha256"]
        assert told["thong_bao_khong_khen", False]["sha256"] == notice["sha256"]
        assert told["thong_bao_khong_khen", True]["sha256"] == signed_notice.json()["signed"]["sha256"]

        # -- later events (a dossier of the submission decided) change neither issued file ----------------------
        decided = await client.post(f"/dossiers/{ids[0]}/decide", headers=CHAIR,
                                    json={"number": "125/QĐ-UBND", "decided_on": "2026-07-20"})
        assert decided.status_code == 200, decided.text
        for record, original in ((trinh, trinh_file.content), (notice, notice_file.content)):
            later = await client.get(f"/issued-documents/{record['id']}/file", headers=APPRAISER)
            assert later.content == original
            assert (await client.get(f"/issued-documents/{record['id']}", headers=APPRAISER)).json()[
                "stream_position"] == record["stream_position"]
