#!/usr/bin/env python3
"""Benchmark: the clerk's round trip on the demo registry (10,500 households, ~1,700 members):
export the list (masked), re-save it in LibreOffice Calc when installed, import it back.
Prints the time of each step and checks nothing changed ("0 created, 0 updated, N unchanged").

    python bench/roundtrip.py              # the demo in a temporary directory (SQLite)
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="wangge-roundtrip-"))
    os.environ["WANGGE_VAR_DIR"] = str(workdir)
    os.environ["WANGGE_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.pop("WANGGE_TESTING", None)
    os.environ.setdefault("WANGGE_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wangge.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from wangge.imports.exporting import export_workbook
    from wangge.imports.kinds import KINDS
    from wangge.imports.pipeline import SYSTEM, run_import
    from wangge.imports.tests.roundtrip import resave, soffice

    try:
        started = time.monotonic()
        call_command("demo", verbosity=0)
        print(f"demo built in {time.monotonic() - started:.0f} s")
        for name in ("households", "members"):
            kind = KINDS[name]
            path = workdir / f"{name}.xlsx"
            started = time.monotonic()
            rows = export_workbook(kind, str(path), user=SYSTEM, params={})
            exported = time.monotonic() - started
            resaved = 0.0
            if soffice():
                started = time.monotonic()
                path = resave(path, workdir / f"{name}-resaved.xlsx")
                resaved = time.monotonic() - started
            report = run_import(kind=kind, path=path, user=SYSTEM)
            assert report.committed and not report.errors, report.errors[:5]
            assert (report.created, report.updated) == (0, 0), report
            print(
                f"{name}: {rows} rows; export {exported:.2f} s, LibreOffice re-save "
                f"{resaved:.2f} s, import {report.seconds:.2f} s "
                f"({report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged) {report.timings}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
