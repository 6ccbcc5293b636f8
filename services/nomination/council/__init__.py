"""Sessions of the provincial Emulation–Commendation Council (Hội đồng TĐKT) and their secret ballots."""
