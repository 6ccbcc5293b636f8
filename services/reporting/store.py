"""The reporting service's own records (not rebuilt from the stream): published reports, frozen
with their bytes and hash, and the figures units enter for forms 0604 and 0605."""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS report_publications (
    publication_id uuid PRIMARY KEY, kind text NOT NULL, ref text NOT NULL, format text NOT NULL,
    media_type text NOT NULL, sha256 text NOT NULL, stream_position bigint NOT NULL, content bytea NOT NULL,
    published_by text NOT NULL, published_at timestamptz NOT NULL, announced boolean NOT NULL DEFAULT false,
    UNIQUE (kind, ref, format));
CREATE TABLE IF NOT EXISTS report_form_entries (
    form text NOT NULL, year int NOT NULL, unit_code text NOT NULL, unit_name text NOT NULL,
    cells jsonb NOT NULL, entered_by text NOT NULL, entered_at timestamptz NOT NULL,
    PRIMARY KEY (form, year, unit_code));
ALTER TABLE report_publications ADD COLUMN IF NOT EXISTS figures jsonb;
"""
