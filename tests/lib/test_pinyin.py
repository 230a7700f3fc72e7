"""Pinyin of personal names (gonghui.lib.pinyin): surnames read as surnames."""

import pytest
from pypinyin import Style, lazy_pinyin

from gonghui.lib.pinyin import SURNAMES, name_pinyin


def plain(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


# Surnames pypinyin reads as the common word when it reads the character alone.
MISREAD = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "缪": "miao",
    "黑": "he",
    "盖": "ge",
    "乐": "yue",
    "召": "shao",
    "种": "chong",
    "覃": "qin",
    "员": "yun",
    "翟": "zhai",
    "祭": "zhai",
    "重": "chong",
    "句": "gou",
    "隗": "wei",
    "秘": "bi",
    "繁": "po",
    "阚": "kan",
    "洗": "xian",
    "折": "she",
    "都": "du",
    "卜": "bu",
    "薄": "bo",
    "藏": "zang",
    "能": "nai",
    "乜": "nie",
    "粘": "nian",
    "蕃": "pi",
}


@pytest.mark.parametrize(("surname", "reading"), MISREAD.items())
def test_misread_surname_alone(surname, reading):
    assert plain(surname) != reading  # pypinyin gets it wrong: the table is what fixes it
    assert name_pinyin(surname) == (reading, reading[0])


@pytest.mark.parametrize(("surname", "reading"), MISREAD.items())
def test_misread_surname_in_a_name(surname, reading):
    assert name_pinyin(surname + "小明") == (reading + "xiaoming", reading[0] + "xm")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三丰", "zhangsanfeng", "zsf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("单田芳", "shantianfang", "stf"),
        ("解缙", "xiejin", "xj"),
        ("区志航", "ouzhihang", "ozh"),
        ("仇英", "qiuying", "qy"),
        ("朴槿惠", "piaojinhui", "pjh"),
        ("查良镛", "zhaliangyong", "zly"),
        ("翟志刚", "zhaizhigang", "zzg"),
        ("华罗庚", "hualuogeng", "hlg"),
        ("任盈盈", "renyingying", "ryy"),
    ],
)
def test_examples(name, full, initials):
    assert name_pinyin(name) == (full, initials)


def test_table_matters_for_whole_names():
    assert plain("曾国藩") == "cengguofan"
    assert plain("单田芳") == "dantianfang"
    assert plain("区志航") == "quzhihang"


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("欧阳修", "ouyangxiu", "oyx"),
        ("司马光", "simaguang", "smg"),
        ("诸葛亮", "zhugeliang", "zgl"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("万俟卨", "moqixie", "mqx"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("令狐冲", "linghuchong", "lhc"),
        ("上官婉儿", "shangguanwaner", "sgwe"),
        ("澹台灭明", "tantaimieming", "ttmm"),
        ("单于", "chanyu", "cy"),
        ("闾丘露薇", "lvqiuluwei", "lqlw"),
    ],
)
def test_compound_surnames(name, full, initials):
    assert name_pinyin(name) == (full, initials)


def test_compound_surname_beats_single():
    # 单 and 尉 are single surnames too; the longer match at the start wins.
    assert SURNAMES["单"] == ("shan",)
    assert name_pinyin("单于琳")[0] == "chanyulin"
    assert name_pinyin("尉迟敬德")[0] == "yuchijingde"
    assert name_pinyin("尉缭")[0] == "weiliao"


def test_every_table_entry_is_used():
    for surname, reading in SURNAMES.items():
        assert name_pinyin(surname) == ("".join(reading), "".join(s[0] for s in reading))


def test_given_name_read_alone_and_phrase_aware():
    # 重 in a given name keeps pypinyin's reading; as a surname it is chong.
    assert name_pinyin("王重阳")[0] == "wangchongyang"
    assert name_pinyin("张长江")[0] == "zhangchangjiang"
    assert name_pinyin("李单")[0] == "lidan"  # 单 after the surname is not a surname


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("买买提·艾力", "maimaitiaili", "mmtal"),
        ("买买提・艾力", "maimaitiaili", "mmtal"),
        ("买买提•艾力", "maimaitiaili", "mmtal"),
        ("买买提･艾力", "maimaitiaili", "mmtal"),  # half-width katakana dot
        ("阿依古丽·买买提", "ayigulimaimaiti", "aygl" + "mmt"),
    ],
)
def test_minority_names_with_middle_dot(name, full, initials):
    assert name_pinyin(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("王A", "wanga", "wa"),
        ("王Ａ", "wanga", "wa"),  # full-width letter
        ("李2号", "li2hao", "l2h"),
        ("John Smith", "johnsmith", "js"),
        ("Anna王", "annawang", "aw"),
    ],
)
def test_latin_letters_and_digits_are_kept(name, full, initials):
    assert name_pinyin(name) == (full, initials)


@pytest.mark.parametrize(
    "name", ["张三丰", " 张三丰 ", "张\u3000三丰", "\u3000张 三 丰\u3000", "张三丰\t"]
)
def test_spaces_including_full_width_are_dropped(name):
    assert name_pinyin(name) == ("zhangsanfeng", "zsf")


def test_surname_after_leading_space_or_dot():
    assert name_pinyin("\u3000曾国藩") == ("zengguofan", "zgf")
    assert name_pinyin("·单田芳") == ("shantianfang", "stf")


@pytest.mark.parametrize("name", ["", " ", "\u3000", "·", None])
def test_empty(name):
    assert name_pinyin(name) == ("", "")
