"""``wangge import-regions``: the division table loads idempotently, and bad files load nothing."""

import csv
import random
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wangge.audit.models import AuditEvent
from wangge.regions.importing import RegionImportError, regions_import
from wangge.regions.management.commands.import_regions import Command
from wangge.regions.models import Level, Region

WANGJIANG = Path(settings.PROJECT_DIR).parent / "shared" / "data" / "wangjiang-divisions.csv"
HEADER = "code,name,level,parent_code"

# A small county file like Wangjiang's: the county's parent (the city 3408) is not in it.
SMALL = [
    ("340827", "望江县", "county", "3408"),
    ("340827200", "凉泉乡", "township", "340827"),
    ("340827100", "华阳镇", "township", "340827"),
    ("340827200200", "湖滨村委会", "village", "340827200"),
    ("340827200201", "太华村委会", "village", "340827200"),
    ("340827200200001", "汪屋", "hamlet", "340827200200"),
    ("340827200200001001", "汪屋一组", "group", "340827200200001"),
]

pytestmark = pytest.mark.django_db


def write_csv(path: Path, rows, *, header: str = HEADER, bom: bool = False) -> Path:
    out = StringIO()
    if header:
        out.write(header + "\r\n")
    csv.writer(out, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig" if bom else "utf-8")
    return path


def shuffled(rows, seed: int = 7):
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    return rows


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_regions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_command(path) -> str:
    """Run the command expecting refusal; return everything it said."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_regions", str(path), stdout=out, stderr=err)
    return err.getvalue() + str(excinfo.value)


def snapshot():
    return list(Region.objects.order_by("code").values_list("code", "name", "level", "parent_id"))


class TestSmallFile:
    def test_rows_in_any_order_build_the_tree(self, tmp_path):
        """GIVEN a county file in shuffled order WHEN imported THEN every unit hangs off its parent
        and the county, whose city is absent, becomes a root."""
        path = write_csv(tmp_path / "d.csv", shuffled(SMALL), bom=True)

        result = regions_import(path=path)

        assert Region.objects.count() == len(SMALL)
        assert Region.objects.get(code="340827").parent_id is None
        assert Region.objects.get(code="340827200200").parent_id == "340827200"
        assert Region.objects.get(code="340827200200001001").parent.name == "汪屋"
        assert sum(result.created.values()) == len(SMALL)
        assert result.created["village"] == 2
        assert result.roots == 1
        assert AuditEvent.objects.filter(action="regions.import").count() == 1

    def test_reimport_changes_nothing(self, tmp_path):
        path = write_csv(tmp_path / "d.csv", SMALL)
        regions_import(path=path)
        before = snapshot()

        result = regions_import(path=write_csv(tmp_path / "again.csv", shuffled(SMALL, 3)))

        assert snapshot() == before
        assert sum(result.created.values()) == 0
        assert sum(result.updated.values()) == 0
        assert sum(result.unchanged.values()) == len(SMALL)

    def test_renamed_unit_is_updated(self, tmp_path):
        regions_import(path=write_csv(tmp_path / "d.csv", SMALL))
        renamed = [
            (code, "湖滨社区居委会" if code == "340827200200" else name, level, parent)
            for code, name, level, parent in SMALL
        ]

        result = regions_import(path=write_csv(tmp_path / "renamed.csv", renamed))

        assert Region.objects.get(code="340827200200").name == "湖滨社区居委会"
        assert result.updated["village"] == sum(result.updated.values()) == 1
        assert sum(result.created.values()) == 0

    def test_parent_already_in_database_is_linked(self, tmp_path):
        """A file of villages only may name townships that an earlier import loaded."""
        regions_import(path=write_csv(tmp_path / "county.csv", SMALL[:3]))

        regions_import(path=write_csv(tmp_path / "villages.csv", [SMALL[3], SMALL[4]]))

        assert Region.objects.get(code="340827200201").parent_id == "340827200"

    def test_whitespace_and_upper_case_level_are_tolerated(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_text(f"{HEADER}\n 340827 , 望江县 ,County,3408\n\n", encoding="utf-8")

        regions_import(path=path)

        assert Region.objects.get(code="340827").name == "望江县"


class TestRefusals:
    """Each bad file is refused with the row named, and nothing is written."""

    def refused(self, path) -> str:
        before = snapshot()
        with pytest.raises(RegionImportError) as excinfo:
            regions_import(path=path)
        assert snapshot() == before
        return str(excinfo.value)

    def test_missing_parent_names_the_row(self, tmp_path):
        rows = [*SMALL, ("340827200300", "无主村", "village", "340827200999")]
        path = write_csv(tmp_path / "d.csv", rows)

        message = self.refused(path)

        assert "Row 9 (code 340827200300)" in message
        assert "340827200999" in message
        assert Region.objects.count() == 0

    def test_nothing_written_when_one_row_is_bad(self, tmp_path):
        regions_import(path=write_csv(tmp_path / "d.csv", SMALL[:2]))
        rows = [("340827", "改名县", "county", "3408"), *SMALL[1:], ("1", "坏", "village", "")]

        self.refused(write_csv(tmp_path / "bad.csv", rows))

        assert Region.objects.get(code="340827").name == "望江县"
        assert Region.objects.count() == 2

    def test_unknown_level(self, tmp_path):
        message = self.refused(
            write_csv(tmp_path / "d.csv", [*SMALL, ("340827200202", "新村", "hamlet-ish", "")])
        )
        assert "Row 9 (code 340827200202)" in message
        assert "hamlet-ish" in message

    def test_code_length_does_not_match_level(self, tmp_path):
        message = self.refused(
            write_csv(
                tmp_path / "d.csv", [*SMALL, ("3408272002", "短码村", "village", "340827200")]
            )
        )
        assert "Row 9 (code 3408272002)" in message
        assert "12 digits" in message

    def test_code_not_under_its_parent(self, tmp_path):
        message = self.refused(
            write_csv(
                tmp_path / "d.csv", [*SMALL, ("340827100200", "错村", "village", "340827200")]
            )
        )
        assert "Row 9 (code 340827100200)" in message
        assert "does not start with its parent code 340827200" in message

    def test_code_with_letters(self, tmp_path):
        message = self.refused(
            write_csv(
                tmp_path / "d.csv", [*SMALL, ("34082720020X", "字母村", "village", "340827200")]
            )
        )
        assert "Row 9" in message and "digits only" in message

    def test_duplicate_code(self, tmp_path):
        rows = [*SMALL, ("340827200201", "太华村重复", "village", "340827200")]
        message = self.refused(write_csv(tmp_path / "d.csv", rows))
        assert "Row 9 (code 340827200201)" in message
        assert "already on row 6" in message

    def test_empty_name(self, tmp_path):
        message = self.refused(
            write_csv(tmp_path / "d.csv", [*SMALL, ("340827200202", "  ", "village", "340827200")])
        )
        assert "Row 9" in message and "name is empty" in message

    def test_wrong_number_of_columns(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_text(f"{HEADER}\n340827,望江县,county\n", encoding="utf-8")
        assert "Row 2" in self.refused(path)

    def test_empty_file(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_bytes(b"")
        assert "empty" in self.refused(path)

    def test_header_only(self, tmp_path):
        assert "no rows" in self.refused(write_csv(tmp_path / "d.csv", []))

    def test_wrong_header(self, tmp_path):
        path = write_csv(tmp_path / "d.csv", SMALL, header="代码,名称,级别,上级")
        message = self.refused(path)
        assert "code,name,level,parent_code" in message

    def test_not_utf8(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_bytes(f"{HEADER}\n340827,望江县,county,3408\n".encode("gb18030"))
        assert "UTF-8" in self.refused(path)

    def test_errors_are_capped_but_counted(self, tmp_path):
        rows = [(f"340827{n:03d}", "", "township", "340827") for n in range(1, 121)]
        message = self.refused(write_csv(tmp_path / "d.csv", [SMALL[0], *rows]))
        assert "Row 2 (code 340827001)" not in message
        assert "Row 3 (code 340827001)" in message
        assert "70 more errors" in message


class TestCommand:
    def test_prints_a_summary_by_level(self, tmp_path):
        path = write_csv(tmp_path / "d.csv", shuffled(SMALL))

        out, _err = run_command(str(path))

        assert "Village" in out and "Villager group" in out
        assert "7 rows" in out and "7 created, 0 updated" in out

    def test_second_run_reports_nothing_created_or_updated(self, tmp_path):
        path = write_csv(tmp_path / "d.csv", SMALL)
        run_command(str(path))

        out, _err = run_command(str(path))

        assert "0 created, 0 updated" in out

    def test_bad_file_fails_with_the_rows_on_stderr(self, tmp_path):
        rows = [*SMALL, ("340827200300", "无主村", "village", "340827200999")]
        said = failing_command(write_csv(tmp_path / "d.csv", rows))

        assert "Row 9 (code 340827200300)" in said
        assert "Nothing was imported" in said
        assert Region.objects.count() == 0

    def test_missing_file(self, tmp_path):
        assert "cannot be read" in failing_command(tmp_path / "nope.csv")


@pytest.mark.skipif(
    not WANGJIANG.exists(), reason=f"the Wangjiang division file is not at {WANGJIANG}"
)
class TestWangjiangFile:
    def test_real_file_imports_and_reimports_as_a_no_op(self, tmp_path):
        with open(WANGJIANG, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        path = write_csv(tmp_path / "shuffled.csv", shuffled(rows), bom=True)

        first = regions_import(path=path)
        second = regions_import(path=WANGJIANG)

        assert Region.objects.count() == len(rows) == sum(first.created.values())
        assert Region.objects.get(code="340827200").name == "凉泉乡"
        assert Region.objects.filter(parent_id="340827200", level=Level.VILLAGE).count() == 10
        assert Region.objects.get(code="340827").parent_id is None
        assert sum(second.created.values()) + sum(second.updated.values()) == 0


def test_the_optional_area_column(tmp_path):
    """``area_km2`` (the township's overview shows it) may follow the four columns; an empty
    cell, or a file without the column, leaves the area as it is."""
    header = HEADER + ",area_km2"
    rows = [(*row, "138.52" if row[0] == "340827200" else "") for row in SMALL]
    result = regions_import(path=write_csv(tmp_path / "a.csv", rows, header=header))
    assert result.created["township"] == 2
    areas = dict(Region.objects.values_list("code", "area_km2"))
    assert str(areas["340827200"]) == "138.52" and areas["340827100"] is None
    # The same file again: nothing changes; without the column or with empty cells neither.
    assert regions_import(path=tmp_path / "a.csv").unchanged["township"] == 2
    assert regions_import(path=write_csv(tmp_path / "b.csv", SMALL)).updated.total() == 0
    blank = [(*row, "") for row in SMALL]
    assert (
        regions_import(path=write_csv(tmp_path / "c.csv", blank, header=header)).updated.total()
        == 0
    )
    assert str(Region.objects.get(code="340827200").area_km2) == "138.52"
    # A new area updates the row.
    rows = [(*row, "42" if row[0] == "340827100" else "") for row in SMALL]
    result = regions_import(path=write_csv(tmp_path / "d.csv", rows, header=header))
    assert result.updated["township"] == 1
    assert str(Region.objects.get(code="340827100").area_km2) == "42.00"
    assert str(Region.objects.get(code="340827200").area_km2) == "138.52"


@pytest.mark.parametrize("area", ["abc", "-1", "1.234", "10000000", "nan"])
def test_a_wrong_area_loads_nothing(tmp_path, area):
    rows = [(*row, area if row[0] == "340827200" else "") for row in SMALL]
    path = write_csv(tmp_path / "a.csv", rows, header=HEADER + ",area_km2")
    with pytest.raises(RegionImportError) as excinfo:
        regions_import(path=path)
    assert "340827200" in str(excinfo.value) and "km²" in str(excinfo.value)
    assert not Region.objects.exists()


def test_help_names_the_optional_area_column():
    text = Command().create_parser("wangge", "import-regions").format_help()
    assert "code,name,level,parent_code" in text and "area_km2" in text
