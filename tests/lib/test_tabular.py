"""Reading and writing spreadsheets: every dirty file is built here, as staff send them."""

import codecs
import datetime
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from gonghui.lib.identity import check_id_number
from gonghui.lib.tabular import (
    MAX_ROWS,
    Column,
    TableError,
    normalise_header,
    open_table,
    parse_date,
    template_xlsx,
    write_csv,
    write_xlsx,
)

ID = "51010419900101123X"
ID2 = "510104198505052345"
COLUMNS = [
    Column("name", "姓名", required=True),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "身份证"), True, "code"),
    Column("phone", "手机号码", ("手机", "联系电话"), kind="code"),
    Column("landline", "固定电话", kind="code"),
    Column("joined", "入会时间", ("入会日期",), kind="date"),
    Column("note", "备注"),
]
OCT_8 = datetime.date(2023, 10, 8)


def make_xlsx(path, sheets, merged=None, hidden=(), strings=lambda si: si):
    """sheets: {title: [row, ...]}; merged: {title: ["A3:A4", ...]}. Saved as Excel saves,
    with a shared-string table (`strings` may rewrite its entries)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(title, []):
            sheet.merge_cells(cells)
        if title in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return share_strings(path, strings)


INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.S)
MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def share_strings(path, rewrite):
    """openpyxl writes text inline; Excel writes it to xl/sharedStrings.xml. Do as Excel does."""
    index = {}

    def shared(match):
        number = index.setdefault(match.group(3), len(index))
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), number)

    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    for name in parts:
        if name.startswith("xl/worksheets/"):
            parts[name] = INLINE.sub(shared, parts[name])
    entries = b"".join(rewrite(b'<si><t xml:space="preserve">%s</t></si>' % text) for text in index)
    parts["xl/sharedStrings.xml"] = b'<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>' % (
        MAIN_NS,
        len(index),
        len(index),
        entries,
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def make_file(path, data: bytes):
    path.write_bytes(data)
    return path


def rows_of(table):
    return list(table.rows())


def opens_with_error(path, columns=COLUMNS, name=None):
    with pytest.raises(TableError) as caught:
        open_table(path, columns, name=name)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# Headers and dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*姓名", "姓名"),
        ("姓名＊", "姓名"),
        ("公民身份号码（必填）", "公民身份号码"),
        ("备注(选填)", "备注"),
        (" 手机\n号码 ", "手机号码"),
        ("入会\u3000时间：", "入会时间"),
        ("ＱＱ号", "qq号"),
        (None, ""),
    ],
)
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2023.10.08",
        "2023/10/8",
        "2023年10月8日",
        "2023 年 10 月 8 日",
        "20231008",
        "2023-10-08",
        "2023-10-08 00:00:00",
        "２０２３．１０．０８",
        "45207",
        45207,
        45207.75,
        20231008,
        datetime.datetime(2023, 10, 8, 9, 30),
        OCT_8,
    ],
)
def test_parse_date_reads_every_form(value):
    assert parse_date(value) == OCT_8


@pytest.mark.parametrize(
    "value", ["2023-02-30", "20230230", "2019", 2019, 2019.1, "2023年10月", "abc", "12345", True]
)
def test_parse_date_refuses_what_is_not_a_date(value):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    shown = {2019.1: "2019.1", 2019: "2019", True: "TRUE"}.get(value, value)
    assert str(shown) in str(caught.value) or value is True


# Cells ---------------------------------------------------------------------------------------


def test_cells_are_cleaned_by_kind(tmp_path):
    path = make_xlsx(
        tmp_path / "cells.xlsx",
        {
            "Sheet1": [
                ["姓名", "公民身份号码", "手机号码", "入会时间", "备注"],
                ["张\u3000三\n", 510104199001011234, 13800138000, "2023.10.08", 12.0],
                ["李四", 5.10104199001011e17, 13800138001.0, 45207, 1.5],
                [
                    " 王五 ",
                    "５１０１０４１９９００１０１１２３ｘ",
                    "１３８ ００１３ ８００２",
                    None,
                    True,
                ],
                ["赵六", "'510104198505052345", "+86 13800138003", OCT_8, None],
            ]
        },
    )
    rows = rows_of(open_table(path, COLUMNS))
    assert [row.values for row in rows] == [
        {
            "name": "张 三",
            "id_number": "5.10104E+17",
            "phone": "13800138000",
            "joined": OCT_8,
            "note": "12",
        },
        {
            "name": "李四",
            "id_number": "5.10104E+17",
            "phone": "13800138001",
            "joined": OCT_8,
            "note": "1.5",
        },
        {
            "name": "王五",
            "id_number": "51010419900101123x",  # lower-case x is the validator's business
            "phone": "138 0013 8002",
            "joined": "",
            "note": "TRUE",
        },
        {
            "name": "赵六",
            "id_number": ID2,
            "phone": "+86 13800138003",
            "joined": OCT_8,
            "note": "",
        },
    ]
    assert rows[0].raw["公民身份号码"] == pytest.approx(510104199001011234)  # a number, not text
    assert rows[0].raw["姓名"] == "张\u3000三\n"
    assert all(not row.problems for row in rows)
    with pytest.raises(ValidationError) as caught:
        check_id_number(rows[1].values["id_number"])
    assert "5.10104E+17" in str(caught.value)  # identity explains what Excel did


def test_dates_in_a_workbook_and_an_impossible_one(tmp_path):
    forms = [
        datetime.datetime(2023, 10, 8),
        45207,
        "45207",
        "2023.10.08",
        "2023/10/8",
        "2023年10月8日",
        "20231008",
        20231008,
        "2023-10-08",
    ]
    rows = [["姓名", "身份证号", "入会时间"]] + [
        [f"人{i}", ID, form] for i, form in enumerate(forms)
    ]
    rows.append(["错日", ID, "2023-02-30"])
    rows.append(["只有年", ID, 2019])
    table = open_table(make_xlsx(tmp_path / "dates.xlsx", {"Sheet1": rows}), COLUMNS)
    read = rows_of(table)
    assert [row.values["joined"] for row in read[: len(forms)]] == [OCT_8] * len(forms)
    impossible, year_only = read[-2:]
    assert impossible.values["joined"] == "2023-02-30"
    assert "2023-02-30" in impossible.problems["joined"]
    assert year_only.values["joined"] == "2019"
    assert "2019" in year_only.problems["joined"]
    assert impossible.number == len(forms) + 2


def test_formula_and_error_cells_are_problems(tmp_path):
    path = make_xlsx(
        tmp_path / "formula.xlsx",
        {
            "Sheet1": [
                ["姓名", "身份证号", "手机号码", "备注"],
                ["张三", ID, '=B2&""', "=1+1"],
                ["李四", ID2, "#N/A", "文本"],
            ]
        },
    )
    first, second = rows_of(open_table(path, COLUMNS))
    assert set(first.problems) == {"phone", "note"}
    assert first.raw["手机号码"] == '=B2&""'
    assert "=" in first.values["phone"]  # the formula text stays visible, never a value
    assert set(second.problems) == {"phone"}
    assert "#N/A" in second.problems["phone"]


def test_shared_strings_with_rich_text_phonetic_guides_and_escapes(tmp_path):
    def rewrite(entry):
        if "张三".encode() in entry:  # bold 三, and a phonetic guide that is no part of the value
            return (
                "<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r>"
                '<rPh sb="0" eb="1"><t>zhang</t></rPh></si>'
            ).encode()
        return entry.replace(b"LINE", b"_x000D__x000A_").replace(b"UNDER", b"_x005F_x0041_")

    rows = [["姓名", "身份证号", "备注"], ["张三", ID, "第一行LINE第二行"], ["李四", ID2, "UNDER"]]
    path = make_xlsx(tmp_path / "rich.xlsx", {"S": rows}, strings=rewrite)
    first, second = rows_of(open_table(path, COLUMNS))
    assert first.values["name"] == "张三"
    assert first.raw["备注"] == "第一行\r\n第二行"
    assert first.values["note"] == "第一行  第二行"
    assert second.values["note"] == "_x0041_"


# Finding the header ------------------------------------------------------------------------------


def roster_with_title_and_two_row_header():
    return [
        ["锦江区总工会会员基本信息采集表"],
        ["填报单位：成都春熙百货有限公司工会", None, None, None, "填报日期：2023年10月8日"],
        ["序号", "姓名", "*公民身份号码", "联系方式", None, "入会时间", "民族"],
        [None, None, None, "手机号码", "固定电话", None, None],
        [1, "张三", ID, "13800138000", "028-86661234", "2023.10.08", "汉族"],
        [None] * 7,
        [2, "李四", ID2, "13800138001", None, "2023/10/8", "回族"],
    ]


def test_title_rows_and_a_two_row_merged_header(tmp_path):
    path = make_xlsx(
        tmp_path / "采集表.xlsx",
        {"会员信息": roster_with_title_and_two_row_header()},
        merged={"会员信息": ["A1:G1", "A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4", "G3:G4"]},
    )
    table = open_table(path, COLUMNS)
    assert table.headers == [
        "序号",
        "姓名",
        "*公民身份号码",
        "手机号码",
        "固定电话",
        "入会时间",
        "民族",
    ]
    assert table.unknown == ["序号", "民族"]
    assert table.mapped["id_number"] == "*公民身份号码"
    assert table.sheets == ["会员信息"]
    assert table.estimated_rows == 3
    first, second = rows_of(table)
    assert (first.number, second.number) == (5, 7)
    assert first.values == {
        "name": "张三",
        "id_number": ID,
        "phone": "13800138000",
        "landline": "028-86661234",
        "joined": OCT_8,
    }
    assert second.values["landline"] == ""
    assert first.raw["民族"] == "汉族"
    assert first.sheet == "会员信息"


def test_the_upper_row_stays_the_header_when_the_row_below_is_data(tmp_path):
    rows = [["姓名", "身份证号", "固定电话", "备注"], ["张三", ID, None, None]]
    [row] = rows_of(open_table(make_xlsx(tmp_path / "one.xlsx", {"S": rows}), COLUMNS))
    assert row.number == 2
    assert row.values == {"name": "张三", "id_number": ID, "landline": "", "note": ""}


def test_aliases_and_unknown_columns(tmp_path):
    path = make_file(
        tmp_path / "a.csv",
        "身份证号码,姓名（必填）,联系电话,工号,入会日期\r\n"
        f"{ID},张三,13800138000,A001,2023-10-08\r\n".encode(),
    )
    table = open_table(path, COLUMNS)
    assert table.unknown == ["工号"]
    assert table.headers == ["身份证号码", "姓名（必填）", "联系电话", "工号", "入会日期"]
    [row] = rows_of(table)
    assert row.values == {"id_number": ID, "name": "张三", "phone": "13800138000", "joined": OCT_8}
    assert row.raw["工号"] == "A001"
    assert row.sheet == ""


def test_missing_required_columns_are_named_before_any_row(tmp_path):
    path = make_file(tmp_path / "m.csv", "姓名,证件号,手机号码\r\n张三,1,2\r\n".encode())
    message = opens_with_error(path)
    assert "公民身份号码" in message
    assert "证件号" in message  # the unrecognised header, so the user sees what to rename
    assert "姓名" not in message.replace("证件号", "")


def test_a_file_without_any_known_header_names_all_required_columns(tmp_path):
    path = make_file(tmp_path / "x.csv", "甲,乙,丙\r\n1,2,3\r\n".encode("gb18030"))
    message = opens_with_error(path)
    assert "姓名" in message and "公民身份号码" in message
    assert re.search("姓名、公民身份号码", message)


def test_two_columns_for_one_field_are_refused(tmp_path):
    path = make_file(
        tmp_path / "d.csv", f"姓名,身份证号,公民身份号码\r\n张三,{ID},{ID}\r\n".encode()
    )
    message = opens_with_error(path)
    assert "身份证号" in message and "公民身份号码" in message


def test_blank_rows_notes_and_a_total_under_the_table(tmp_path):
    rows = [
        ["姓名", "身份证号", "手机号码", "备注"],
        ["张三", ID, "13800138000", None],
        [None, None, None, None],
        ["   ", None, "", None],
        ["李四", None, None, None],  # half empty: data, the importer names what is missing
        [3, None, None, None],  # only a pre-filled 序号 in an unmapped column? here mapped: 姓名
        ["合计", None, None, 2],
        ["注：1.带*为必填项"],
        ["2.身份证号请以文本格式填写"],
        ["   请于10月底前报送"],
        ["填表人：王五", None, "审核人：赵六", "填报日期：2023.10.08"],
        ["王五", None, "13800138002", None],  # after notes and not full: a note too
    ]
    table = open_table(make_xlsx(tmp_path / "notes.xlsx", {"S": rows}), COLUMNS)
    read = rows_of(table)
    assert [row.number for row in read] == [2, 5, 6]
    assert read[2].values["name"] == "3"
    assert table.notes == 6


def test_a_full_row_after_a_note_is_data_again(tmp_path):
    rows = [
        ["姓名", "身份证号"],
        ["1.机关"],
        ["张三", ID],
        ["李四", None],
    ]
    table = open_table(make_xlsx(tmp_path / "sections.xlsx", {"S": rows}), COLUMNS)
    assert [row.number for row in rows_of(table)] == [3, 4]
    assert table.notes == 1


def test_repeated_headers_and_pre_numbered_rows_are_skipped(tmp_path):
    rows = [
        ["序号", "姓名", "身份证号"],
        [1, "张三", ID],
        [2, "姓名", "身份证号"],
        [3, "李四", ID2],
    ]
    rows += [[n, None, None] for n in range(4, 50)]  # a template numbered down to row 50
    table = open_table(make_xlsx(tmp_path / "stacked.xlsx", {"S": rows}), COLUMNS)
    assert [row.values["name"] for row in rows_of(table)] == ["张三", "李四"]


def test_several_sheets_with_an_instructions_sheet(tmp_path):
    instructions = [
        ["填表说明"],
        ["列名", "是否必填", "说明"],
        ["姓名", "是", "与身份证一致"],
        ["公民身份号码", "是", "18位，以文本格式填写"],
    ]
    first = [["一车间会员名单"], ["姓名", "身份证号", "手机号码"], ["张三", ID, "13800138000"]]
    second = [["姓名", "身份证号", "民族"], ["李四", ID2, "汉族"], ["王五", ID, "回族"]]
    path = make_xlsx(
        tmp_path / "multi.xlsx",
        {
            "填写说明": instructions,
            "一车间": first,
            "空白": [],
            "旧数据": [["姓名", "身份证号"], ["隐藏", ID]],
            "二车间": second,
        },
        hidden=("旧数据",),
    )
    table = open_table(path, COLUMNS)
    assert table.sheets == ["一车间", "二车间"]
    assert [sheet for sheet, _why in table.skipped_sheets] == ["填写说明", "空白", "旧数据"]
    assert all(why for _sheet, why in table.skipped_sheets)
    assert table.headers == ["姓名", "身份证号", "手机号码", "民族"]
    assert table.unknown == ["民族"]
    read = rows_of(table)
    assert [(row.sheet, row.number, row.values["name"]) for row in read] == [
        ("一车间", 3, "张三"),
        ("二车间", 2, "李四"),
        ("二车间", 3, "王五"),
    ]
    assert "phone" not in read[1].values  # that sheet has no phone column


def test_a_data_sheet_missing_a_required_column_names_it_and_its_sheet(tmp_path):
    path = make_xlsx(
        tmp_path / "two.xlsx",
        {
            "一车间": [["姓名", "身份证号"], ["张三", ID]],
            "二车间": [["姓名", "手机号码"], ["李四", "1"]],
        },
    )
    message = opens_with_error(path)
    assert "二车间" in message and "公民身份号码" in message


# CSV encodings ----------------------------------------------------------------------------------

CSV_TEXT = (
    "锦江区总工会会员基本信息采集表,,,\r\n"
    "姓名,公民身份号码,手机号码,入会时间\r\n"
    f"张三,{ID},13800138000,2023.10.08\r\n"
    f'"欧阳 娜娜",{ID2},="13800138001",2023年10月8日\r\n'
)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "prefix"),
    [
        ("gb18030", ",", b""),
        ("gbk", ",", b""),
        ("utf-8", ",", b""),
        ("utf-8", ";", codecs.BOM_UTF8),
        ("utf-16-le", "\t", codecs.BOM_UTF16_LE),  # Excel's "Unicode text"
        ("utf-16-be", "\t", codecs.BOM_UTF16_BE),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter, prefix):
    text = CSV_TEXT.replace(",", delimiter)
    path = make_file(tmp_path / "roster.txt", prefix + text.encode(encoding))
    table = open_table(path, COLUMNS, name="会员.csv")
    assert table.format == "csv"
    assert table.delimiter == delimiter
    first, second = rows_of(table)
    assert first.number == 3
    assert first.values == {
        "name": "张三",
        "id_number": ID,
        "phone": "13800138000",
        "joined": OCT_8,
    }
    assert second.values["name"] == "欧阳 娜娜"
    assert second.values["phone"] == "13800138001"
    assert second.values["joined"] == OCT_8


def test_csv_with_bad_bytes_after_the_sniffed_part_reports_the_rows(tmp_path):
    good = "".join(f"人{i},{ID},13800138000\r\n" for i in range(3000))  # > 64 KiB of UTF-8
    data = "姓名,身份证号,手机号码\r\n".encode() + good.encode()
    data += "王五,".encode() + "王五".encode("gbk") + b",13800138002\r\n"
    table = open_table(make_file(tmp_path / "mixed.csv", data), COLUMNS)
    assert table.encoding == "utf-8"
    read = rows_of(table)
    assert len(read) == 3001
    assert not any(row.problems for row in read[:-1])
    assert set(read[-1].problems) == {"id_number"}
    assert "UTF-8" in read[-1].problems["id_number"]


def test_csv_estimated_rows(tmp_path):
    lines = "".join(f"人{i},{ID}\r\n" for i in range(20000))
    path = make_file(tmp_path / "e.csv", ("标题\r\n姓名,身份证号\r\n" + lines).encode("gb18030"))
    table = open_table(path, COLUMNS)
    assert 18000 < table.estimated_rows < 22000


# Files that cannot be read ----------------------------------------------------------------------


def docx_bytes(tmp_path):
    path = tmp_path / "doc.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path.read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00",
        b"name,id\r\nzhang\x00\x00\x01\x02",
        "docx",
    ],
)
def test_files_that_are_not_spreadsheets(tmp_path, data):
    if data == "docx":
        data = docx_bytes(tmp_path)
    message = opens_with_error(make_file(tmp_path / "upload", data), name="会员名单.xlsx")
    png = make_file(tmp_path / "p", b"\x89PNG\r\n\x1a\n")
    assert message == opens_with_error(png, name="会员名单.xlsx")
    assert "会员名单.xlsx" in message


def test_encrypted_xlsx_and_old_xls(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    locked = opens_with_error(make_file(tmp_path / "u1", ole), name="加密.xlsx")
    old = opens_with_error(make_file(tmp_path / "u2", ole), name="旧版.xls")
    assert "加密.xlsx" in locked and "旧版.xls" in old
    assert locked.replace("加密.xlsx", "") == old.replace("旧版.xls", "")
    assert locked != opens_with_error(make_file(tmp_path / "p", b"%PDF-1.4"), name="加密.xlsx")


def test_web_page_saved_as_xls_and_a_damaged_xlsx(tmp_path):
    page = b"\xef\xbb\xbf<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table>"
    html = opens_with_error(make_file(tmp_path / "h", page), name="导出.xls")
    assert "导出.xls" in html
    whole = make_xlsx(tmp_path / "whole.xlsx", {"S": [["姓名", "身份证号"], ["张三", ID]]})
    cut = make_file(tmp_path / "cut.xlsx", whole.read_bytes()[:600])
    assert "cut.xlsx" in opens_with_error(cut)


@pytest.mark.parametrize(
    "data", [b"", codecs.BOM_UTF8, b"\r\n\r\n  \r\n", ",,,\r\n,,\r\n", codecs.BOM_UTF16_LE]
)
def test_empty_files(tmp_path, data):
    data = data.encode() if isinstance(data, str) else data
    assert "empty.csv" in opens_with_error(make_file(tmp_path / "empty.csv", data))


def test_empty_workbook(tmp_path):
    path = make_xlsx(tmp_path / "empty.xlsx", {"Sheet1": [], "Sheet2": []})
    assert "empty.xlsx" in opens_with_error(path)


def test_headers_only(tmp_path):
    csv_path = make_file(tmp_path / "h.csv", "姓名,身份证号\r\n,\r\n\r\n".encode())
    only_notes = [["姓名", "身份证号"], [None, None], ["注：带*为必填项"]]
    xlsx_path = make_xlsx(tmp_path / "h.xlsx", {"S": only_notes})
    first = opens_with_error(csv_path)
    second = opens_with_error(xlsx_path)
    assert first.replace("h.csv", "") == second.replace("h.xlsx", "")


def test_a_sheet_at_excels_row_limit_is_refused_quickly(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号"])
    sheet.append(["张三", ID])
    sheet.cell(row=MAX_ROWS, column=1, value="x")
    path = tmp_path / "cut.xlsx"
    workbook.save(path)
    started = time.perf_counter()
    message = opens_with_error(path)
    assert time.perf_counter() - started < 2
    assert "1,048,576" in message


def test_a_sheet_at_the_row_limit_without_a_dimension_fails_while_reading(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号"])
    for i in range(20):  # more than the header search reads
        sheet.append([f"职工{i}", ID])
    sheet.cell(row=MAX_ROWS, column=1, value="x")
    saved = tmp_path / "saved.xlsx"
    workbook.save(saved)
    path = tmp_path / "nodim.xlsx"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(item, data)
    table = open_table(path, COLUMNS)
    assert table.estimated_rows is None
    read = []
    with pytest.raises(TableError) as caught:
        read.extend(table.rows())
    assert "1,048,576" in caught.value.message
    assert len(read) == 20


def test_a_csv_that_excel_cut_at_its_row_limit(tmp_path):
    body = b"a,1\r\n" * (MAX_ROWS - 1)
    cut = make_file(tmp_path / "cut.csv", "姓名,身份证号\r\n".encode() + body)
    assert "1,048,576" in opens_with_error(cut)
    # One row more never went through Excel: it is read whole.
    longer = make_file(tmp_path / "long.csv", "姓名,身份证号\r\n".encode() + body + b"b,2\r\n")
    assert open_table(longer, COLUMNS).estimated_rows == MAX_ROWS


# Volume --------------------------------------------------------------------------------------


def test_a_200000_row_csv_streams_in_bounded_memory(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="gb18030", newline="") as stream:
        stream.write("姓名,公民身份号码,手机号码\r\n")
        stream.writelines(f"职工{i},{ID},{13800000000 + i}\r\n" for i in range(200_000))
    size = path.stat().st_size
    table = open_table(path, COLUMNS)
    assert 190_000 < table.estimated_rows < 210_000
    tracemalloc.start()
    try:
        count = 0
        for row in table.rows():
            count += 1
            last = row
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert last.values["phone"] == str(13800000000 + 199_999)
    assert peak < min(size / 2, 50 * 2**20), (peak, size)  # far less than the file itself


# Writing ---------------------------------------------------------------------------------------


def test_write_xlsx_round_trip(tmp_path):
    path = tmp_path / "out.xlsx"
    headers = ["姓名", "公民身份号码", "手机号码", "入会时间", "备注"]
    rows = [
        ["张三", ID, 13800138000, OCT_8, '=HYPERLINK("http://x")'],
        ["李四", 510104198505052345, "13800138001", None, "bad\x01char"],
        {"姓名": "王五", "公民身份号码": ID2},
    ]
    written = write_xlsx(path, headers, rows, text_columns=("公民身份号码", 2), sheet_title="会员")
    assert written == 3
    sheet = load_workbook(path)["会员"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet["B3"].value == ID2 and sheet["B3"].number_format == "@"
    assert sheet["C2"].value == "13800138000" and sheet["C2"].data_type == "s"
    assert sheet["E2"].data_type == "s"  # text, not a formula
    table = open_table(path, COLUMNS)
    read = rows_of(table)
    assert [row.values["id_number"] for row in read] == [ID, ID2, ID2]
    assert read[0].values["phone"] == "13800138000"
    assert read[0].values["joined"] == OCT_8
    assert read[0].values["note"] == '=HYPERLINK("http://x")' and not read[0].problems
    assert read[1].values["note"] == "badchar"


def test_write_csv_round_trip(tmp_path):
    path = tmp_path / "out.csv"
    headers = ["姓名", "公民身份号码", "手机号码", "入会时间", "备注"]
    rows = [
        ["张三", ID, 13800138000, OCT_8, "=1+1"],
        ["李四", 510104198505052345, "+86 13800138001", None, "-5"],
    ]
    assert write_csv(path, headers, rows) == 2
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")
    first, second = rows_of(open_table(path, COLUMNS))
    assert first.values == {
        "name": "张三",
        "id_number": ID,
        "phone": "13800138000",
        "joined": OCT_8,
        "note": "'=1+1",  # Excel will not run it
    }
    assert second.values["id_number"] == ID2
    assert second.values["phone"] == "+86 13800138001"
    assert second.values["note"] == "-5"


def test_template_round_trip(tmp_path):
    path = tmp_path / "template.xlsx"
    example = {"name": "张三", "id_number": ID, "phone": 13800138000, "joined": OCT_8}
    template_xlsx(path, COLUMNS, example=example, title="会员基本信息采集表")
    workbook = load_workbook(path)
    data, instructions = workbook.worksheets
    assert [cell.value for cell in data[2]] == [
        "*姓名",
        "*公民身份号码",
        "手机号码",
        "固定电话",
        "入会时间",
        "备注",
    ]
    assert data["B3"].value == ID and data["B3"].number_format == "@"
    assert data["C3"].value == "13800138000"
    assert data["B1500"].number_format == "@"
    assert data["E100"].number_format == "yyyy-mm-dd"
    assert data.freeze_panes == "A3"
    listed = [row[0] for row in instructions.iter_rows(min_row=2, values_only=True)]
    assert listed[: len(COLUMNS)] == [column.header for column in COLUMNS]
    assert any("身份证号码" in str(cell.value) for cell in instructions["C"])
    table = open_table(path, COLUMNS)
    assert table.sheets == [data.title]
    assert [sheet for sheet, _why in table.skipped_sheets] == [instructions.title]
    [row] = rows_of(table)
    assert row.number == 3
    assert row.values["id_number"] == ID and row.values["joined"] == OCT_8
    assert row.values["phone"] == "13800138000"


def test_an_unfilled_template_has_no_data_rows(tmp_path):
    path = tmp_path / "blank.xlsx"
    started = time.perf_counter()
    template_xlsx(path, COLUMNS)
    assert "blank.xlsx" in opens_with_error(path)
    assert time.perf_counter() - started < 5
