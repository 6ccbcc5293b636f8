"""Plan service: the yearly TĐKT plan, its tasks per quarter, and the units registry."""
