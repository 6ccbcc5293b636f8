"""The public feed of published exemplary models, as JSON Feed 1.1, Atom 1.0 and RSS 2.0, for a
Zalo Official Account or the province's portal to pull. Built from the view's rows, which hold
no personal identifier: a model is named as the media name it, with its unit and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from services.plan.exemplary.domainmodel import STAGE_LABELS, SUBJECT_KINDS, Stage

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Feed:
    base_url: str
    title: str
    author: str
    updated: datetime  # when nothing is published yet

    def url(self, suffix: str) -> str:
        return f"{self.base_url.rstrip('/')}/public/exemplary-models{suffix}"

    def tag(self, rest: str) -> str:
        return f"tag:{urlsplit(self.base_url).hostname or 'localhost'},2026:exemplary-models{rest}"


def public_item(row: dict[str, Any]) -> dict[str, Any]:
    """What the public may read of one model: no contact, no finder, no internal note."""
    return {"name": row["name"], "subject_kind": SUBJECT_KINDS[row["subject_kind"]], "unit": row["unit_name"],
            "field": row["field"], "movement": row["movement_name"], "stage": STAGE_LABELS[Stage(row["stage"])],
            "summary": row["public_summary"], "coverage": row["coverage"]}


def _text(row: dict[str, Any]) -> str:
    item = public_item(row)
    movement = f" Phong trào: {item['movement']}." if item["movement"] else ""
    return (f"{item['name']} ({item['subject_kind']}, {item['unit']}). Lĩnh vực: {item['field']}.{movement} "
            f"Giai đoạn: {item['stage']}. {item['summary']}")


def json_feed(feed: Feed, rows: list[dict[str, Any]]) -> bytes:
    items = [{"id": feed.tag(f"/{row['model_id']}"), "url": feed.url(f"/{row['model_id']}"), "title": row["name"],
              "summary": row["public_summary"], "content_text": _text(row),
              "date_published": row["published_at"].isoformat(), "date_modified": row["updated_at"].isoformat(),
              "tags": [row["field"], STAGE_LABELS[Stage(row["stage"])]], "_tdkt": public_item(row)}
             for row in rows]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title, "language": "vi",
                "home_page_url": feed.base_url, "feed_url": feed.url(".json"),
                "authors": [{"name": feed.author}], "items": items}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def atom_feed(feed: Feed, rows: list[dict[str, Any]]) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "vi"})
    _sub(root, "id", feed.tag(""))
    _sub(root, "title", feed.title)
    _sub(root, "updated", (rows[0]["updated_at"] if rows else feed.updated).isoformat())
    ET.SubElement(root, "link", {"rel": "self", "href": feed.url(".atom")})
    _sub(ET.SubElement(root, "author"), "name", feed.author)
    for row in rows:
        entry = ET.SubElement(root, "entry")
        _sub(entry, "id", feed.tag(f"/{row['model_id']}"))
        _sub(entry, "title", row["name"])
        _sub(entry, "published", row["published_at"].isoformat())
        _sub(entry, "updated", row["updated_at"].isoformat())
        ET.SubElement(entry, "link", {"rel": "alternate", "href": feed.url(f"/{row['model_id']}")})
        ET.SubElement(entry, "category", {"term": row["field"]})
        _sub(entry, "summary", row["public_summary"])
        _sub(entry, "content", _text(row), {"type": "text"})
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def rss_feed(feed: Feed, rows: list[dict[str, Any]]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    for tag, value in (("title", feed.title), ("link", feed.base_url), ("description", feed.title),
                       ("language", "vi"),
                       ("lastBuildDate", format_datetime(rows[0]["updated_at"] if rows else feed.updated))):
        _sub(channel, tag, value)
    for row in rows:
        item = ET.SubElement(channel, "item")
        _sub(item, "title", row["name"])
        _sub(item, "link", feed.url(f"/{row['model_id']}"))
        _sub(item, "description", _text(row))
        _sub(item, "guid", feed.tag(f"/{row['model_id']}"), {"isPermaLink": "false"})
        _sub(item, "pubDate", format_datetime(row["published_at"]))
        _sub(item, "category", row["field"])
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _sub(parent: ET.Element, tag: str, text: str, attributes: dict[str, str] | None = None) -> None:
    ET.SubElement(parent, tag, attributes or {}).text = text
