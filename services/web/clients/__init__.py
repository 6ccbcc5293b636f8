"""One client module per service: every call the pages make to that service's HTTP API."""
