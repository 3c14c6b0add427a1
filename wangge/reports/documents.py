"""The bulletin as a Word document in the shape a township office files: a red-headed title,
the 文号 line (the number left for the office to fill in), numbered sections with tables, and
the issuing office and date at the end."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from wangge.reports.selectors import Bulletin

FONT = "SimSun"  # 宋体; Word substitutes a CJK font where it is missing
TITLE_FONT = "SimHei"
NUMERALS = "一二三四五六七八九十"


def _font(run, name: str, size: float, *, bold: bool = False, color=None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _paragraph(document, text: str, *, size: float = 14, bold=False, align=None, font=FONT):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), FONT, 11, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), FONT, 11)


def bulletin_docx(bulletin: Bulletin, target) -> None:
    """Write ``bulletin`` as DOCX to a path or binary file object."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    document.core_properties.title = bulletin.title
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(bulletin.title), TITLE_FONT, 20, bold=True, color=RGBColor(0xC0, 0, 0))
    _paragraph(
        document,
        _("%(area)s grid office [%(year)s] No. ____")
        % {
            "area": bulletin.area.name,
            "year": bulletin.period.start.year,
        },
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(document, intro(bulletin))
    for number, section in enumerate(bulletin.sections):
        _paragraph(document, f"{NUMERALS[number]}、{section.title}", size=16, font=TITLE_FONT)
        _table(document, [_("Figure"), _("Value")], [list(line) for line in section.lines])
        if section.rows:
            document.add_paragraph()
            _table(document, section.headers, section.rows)
    document.add_paragraph()
    _paragraph(document, bulletin.area.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        document,
        timezone.localtime(bulletin.generated_at).strftime("%Y-%m-%d"),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    document.save(target)


def bulletin_html(bulletin: Bulletin) -> str:
    """The bulletin as one printable HTML page (its own styles, no site menu)."""
    return render_to_string(
        "reports/bulletin_print.html", {"report": bulletin, "intro": intro(bulletin)}
    )


def bulletin_pdf(bulletin: Bulletin, target) -> None:
    """The printable page as PDF (WeasyPrint: real text in the CJK fonts of fonts-noto-cjk,
    so the file can be searched and copied from)."""
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    HTML(string=bulletin_html(bulletin)).write_pdf(target)


def intro(bulletin: Bulletin) -> str:
    return _(
        "The work of grid service in %(period)s is reported as follows. The figures are "
        "generated from the records in the system as of %(as_of)s."
    ) % {"period": bulletin.period.label(), "as_of": bulletin.as_of.strftime("%Y-%m-%d")}


def write_report(report: Bulletin, fmt: str, target) -> None:
    """Write ``report`` as ``fmt`` (html, docx or pdf) to a path or binary file object."""
    if fmt == "docx":
        bulletin_docx(report, target)
    elif fmt == "pdf":
        bulletin_pdf(report, target)
    else:
        data = bulletin_html(report).encode("utf-8")
        if hasattr(target, "write"):
            target.write(data)
        else:
            with open(target, "wb") as handle:
                handle.write(data)
