"""A small fixed registry with fixed system numbers, and LibreOffice re-saves of its exports.

The files under ``fixtures/`` were exported by the app from ``build_registry()`` and re-saved by
LibreOffice Calc (``soffice --headless --convert-to xlsx``); they are committed so the tests need
no LibreOffice. To make them again (after a change to the export's columns):

    WANGGE_MAKE_FIXTURES=1 PYTHONPATH=$PWD .venv/bin/python -m pytest -q -n 0 \\
        wangge/imports/tests/test_roundtrip.py -k make_fixtures
"""

import datetime
import shutil
import subprocess
import tempfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from wangge import testing
from wangge.households.models import Household, Tag
from wangge.households.services import household_validate
from wangge.party.models import Member
from wangge.party.services import member_validate
from wangge.regions.models import Region

FIXTURES = Path(__file__).parent / "fixtures"
HOUSEHOLD_PKS = range(501, 507)
MEMBER_PKS = range(701, 706)
HAMLET = testing.VILLAGE_A + "001"
GROUP = HAMLET + "001"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def resave(source: Path, target: Path) -> Path:
    """Open ``source`` in LibreOffice Calc and save it as XLSX at ``target``."""
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.move(Path(out) / (source.stem + ".xlsx"), target)
    return target


def build_registry() -> None:
    """Six households and five members in 湖滨村 with fixed system numbers (regions, tags made)."""
    areas = {code: Region.objects.get(code=code) for code in (testing.VILLAGE_A, HAMLET, GROUP)}
    tags = list(Tag.objects.order_by("kind", "sort")[:3])
    places = [GROUP, HAMLET, HAMLET, GROUP, testing.VILLAGE_A, HAMLET]
    for n, pk in enumerate(HOUSEHOLD_PKS, start=1):
        data = household_validate(
            head_name=f"李{'一二三四五六'[n - 1]}",
            head_id_number=testing.make_id(datetime.date(1950 + n, 3, 3), n),
            address=f"汪屋{n}号",
            area=areas[places[n - 1]],
            phone="" if n == 4 else (f"138{n:08d}" if n != 5 else "0556-5123456"),
            size=n,
            note="低保户" if n == 2 else "",
            tags=tags[: n % 3],
        )
        household = Household.objects.create(pk=pk, **data.field_values())
        household.tags.set(data.tags)
    branch = testing.branch_for(testing.VILLAGE_A, "湖滨村党支部")
    for n, pk in enumerate(MEMBER_PKS, start=1):
        data = member_validate(
            name=f"王{'一二三四五'[n - 1]}",
            id_number=testing.make_id(datetime.date(1960 + n, 5, 1), n),
            phone="" if n == 3 else f"139{n:08d}",
            organisation=branch,
            area=areas[HAMLET if n % 2 else testing.VILLAGE_A],
            joined_on=datetime.date(1990 + n, 7, 1) if n != 2 else None,
            is_mobile=n == 4,
            mobile_whereabouts="浙江宁波" if n == 4 else "",
        )
        Member.objects.create(pk=pk, **data.field_values())


def grid(path: Path) -> list[list]:
    """The first sheet with content, as calamine reads it."""
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python()
        if any(v not in ("", None) for row in rows for v in row):
            return rows
    return []
