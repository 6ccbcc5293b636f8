"""Nomination dossiers (hồ sơ đề nghị khen thưởng): one per nominee, from the unit's draft to
the decision, conferral or revocation."""
