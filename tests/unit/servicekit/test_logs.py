import json
import logging

from servicekit.logs import configure_logging


def test_a_service_at_info_logs_its_own_lines_as_json_but_not_the_font_subsetters_chatter(capsys) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("reporting", "INFO")
        logging.getLogger("fontTools.subset").info("glyf subsetted")
        logging.getLogger("services.reporting.snapshots").info("12 month(s) of 2026 counted ahead")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
        assert [(entry["logger"], entry["message"]) for entry in lines] == [
            ("services.reporting.snapshots", "12 month(s) of 2026 counted ahead")]
        assert lines[0]["service"] == "reporting"
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name in ("uvicorn.access", "nats", "httpx", "fontTools"):
            logging.getLogger(name).setLevel(logging.NOTSET)
