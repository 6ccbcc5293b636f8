"""Papers of the nomination service: tờ trình, quyết định khen thưởng, notice of non-award, certificates."""
