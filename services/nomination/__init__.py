"""Nomination service: dossiers, eligibility, appraisal, council vote, decision (domain to come)."""
