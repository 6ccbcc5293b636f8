"""The TĐKT services. None imports another: they share only `contracts` and `servicekit`."""
