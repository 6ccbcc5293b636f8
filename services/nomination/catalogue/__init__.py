"""The award catalogue (danh mục danh hiệu thi đua, hình thức khen thưởng) as versioned data.

Files in `data/` (or the province's copy named by `TDKT_NOMINATION_CATALOGUE_DIR`):
`awards.yaml` (awards, deciding authorities, dossier documents, council rules), `salary.yaml`
(dated base salary, rounding) and `quotas.yaml`. Each change adopted is an event of the
`AwardCatalogue` aggregate holding the full content, so a past decision is explained with the
version of its day.

In-process use by the other modules (all read-only, `Catalogue` is immutable)::

    version = runtime.catalogue.current()          # or Catalogues(app).current() / .at(moment)
    catalogue = version.catalogue                  # bundle.Catalogue; version.number, .label
    award = catalogue.award("CSTDCS")              # model.Award: name, category, level, subjects…
    catalogue.route("HCLD3")                       # "tinh_quyet_dinh" | "trinh_cap_tren" | "cap_duoi"
    catalogue.required_documents("HCLD3", "doanh_nghiep")   # [DocumentKind(code, name)]
    catalogue.council("CSTDT")                     # CouncilRule: threshold, comparison, base, …
    catalogue.notice_working_days("HCLD3")         # 10, or None when no public notice is required
    catalogue.cash_amount("LDTT", decided_on)      # Decimal đồng (NoSalaryError, NoMultiplierError)
    catalogue.check_quota("CSTDCS_LDTT", UnitYearCounts("SNV", 2026, {"CSTDCS": 4, "LDTT": 20}))
"""
