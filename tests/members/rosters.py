"""Roster files as counties really send them, built for the import tests."""

from openpyxl import Workbook
from stdnum.cn import ric


def make_id(prefix="510104", birth="19880308", seq="231"):
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


TITLE = "锦江区春熙路街道工会会员基本信息采集表"
# Two header rows: 姓名 etc. merged down over both, 联系方式 merged across its two parts.
HEADER_TOP = ["序号", "姓名*", "性别", "公民身份号码", "联系方式", None, "学历", "入会时间",
              "平台类型", "备注"]  # fmt: skip
HEADER_LOW = [None, None, None, None, "手机号码", "固定电话", None, None, None, None]


def dirty_roster(path, rows, notes=True):
    """An xlsx with a title, a filling-in line, a two-row merged header, the rows given
    (lists in HEADER_TOP order; None = blank row), and notes under the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "会员信息"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER_TOP))
    ws.append(["填报单位：成都春熙百货有限公司工会", None, None, None, "填报日期：2026年11月20日"])
    ws.append(HEADER_TOP)
    ws.append(HEADER_LOW)
    ws.merge_cells("E3:F3")
    for col in "ABCDGHIJ":
        ws.merge_cells(f"{col}3:{col}4")
    for row in rows:
        ws.append(row if row is not None else [])
    if notes:
        ws.append([])
        ws.append(["注：1.带*为必填项；2.身份证号码请设置为文本格式。"])
        ws.append(["填表人：张三", None, None, "审核人：李四"])
    guide = wb.create_sheet("填写说明")
    guide.append(["本表由基层工会填写，报街道工会汇总。"])
    wb.save(path)
    return path


def row(n, name, id_number, phone="", sex="", education="", joined="", platform="", note=""):
    return [n, name, sex, id_number, phone, "", education, joined, platform, note]
