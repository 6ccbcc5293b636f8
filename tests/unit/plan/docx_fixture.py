"""Build a Word version of a plan text the way such plans are typed: header paragraphs, one
table (STT | Nội dung | Đơn vị) with merged quarter rows and rows split over a page break."""

from __future__ import annotations

import io

import docx


def plan_docx(text: str) -> bytes:
    document = docx.Document()
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("STT\t"))
    end = next(i for i, line in enumerate(lines) if line.startswith("---"))
    for line in lines[:start]:
        document.add_paragraph(line)
    rows = [line.split("\t") for line in lines[start:end] if line.strip()]
    table = document.add_table(rows=0, cols=3)
    for cells in rows:
        row = table.add_row().cells
        if len(cells) == 2 or (len(cells) == 3 and not cells[2].strip() and cells[0].strip()):
            row[0].text = cells[0]
            row[1].merge(row[2]).text = cells[1]  # a quarter heading spans two columns
            continue
        for cell, value in zip(row, cells, strict=False):
            paragraphs = value.split(" - ")  # units typed one per line in the cell
            cell.text = paragraphs[0]
            for more in paragraphs[1:]:
                cell.add_paragraph("- " + more)
    for line in lines[end + 1 :]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
