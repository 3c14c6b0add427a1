"""Writing real spreadsheet files for import tests, the way Excel or WPS would save them."""

import datetime
from pathlib import Path

import xlsxwriter

MEMBER_HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "所在支部",
    "村",
    "自然村",
    "入党日期",
    "是否流动党员",
    "流动去向",
]
HOUSEHOLD_HEADERS = [
    "户主姓名",
    "户主身份证号",
    "联系电话",
    "家庭人口",
    "村",
    "自然村",
    "地址",
    "户类型",
    "备注",
]


def write_xlsx(path: Path, headers: list, rows: list[list], *, text_columns=()) -> Path:
    """Write headers and rows; str cells as text, numbers as numbers, dates as date cells."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    text = workbook.add_format({"num_format": "@"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
        if col in text_columns:
            sheet.set_column(col, col, 20, text)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, col, value, date)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    workbook.close()
    return path
