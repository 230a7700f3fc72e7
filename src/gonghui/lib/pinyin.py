"""Pinyin of Chinese personal names, for member search (`zsf` or `zhangsanfeng` finds 张三丰).

Why a surname table (DESIGN "Known traps"): pypinyin reads a surname as the common word the
character usually is, so 单 comes out dan (the surname is shan), 曾 ceng (zeng), 解 jie (xie),
仇 chou (qiu), 朴 pu (piao), 查 cha (zha), 区 qu (ou), 缪 mou (miao), 翟 di (zhai), 阚 han (kan)…
`SURNAMES` holds the readings of the commonly misread surnames, as listed in the usual
多音字姓氏 references (单 善, 解 谢, 仇 求, 朴 瓢, 查 扎, 区 欧, 繁 婆, 员 运, 能 耐, 祭 债…), plus
the compound surnames (欧阳, 尉迟 yuchi, 万俟 moqi, 长孙 zhangsun, 单于 chanyu…). A name is split
at its surname: the longest table entry at the start of the name (so compound surnames win), or
else its first character. The surname is read from the table (or by pypinyin alone), and the
given name by pypinyin alone, phrase-aware, keeping pypinyin's default for heteronyms.

Some surnames have two lineages that read differently (乐 yue/le, 覃 qin/tan, 盖 ge/gai,
召 shao/zhao, 隗 wei/kui, 黑 he/hei). The table gives the reading the surname references give
first. The person's own reading wins ("姓从主人"), so a search should also try the plain
reading.

Output is toneless, lower case, with no separators; ü is written v (闾丘 lvqiu), as pypinyin's
NORMAL style does. Latin letters and digits are kept (lower-cased). Spaces (full-width too) and
the middle dot of minority names (· ・ • and similar) are dropped.
"""

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Readings (toneless syllables) of surnames when they differ from pypinyin's reading of the
# character alone, or when they are compound. Entries that pypinyin already reads right (葛, 任,
# 燕, 宁, 柏, 缑, 冼, 应, 莘, 谌, 贲, 厍, 华, 纪…) are kept so the table states the reading on
# purpose and a change in pypinyin's data cannot move them.
SURNAMES: dict[str, tuple[str, ...]] = {
    # Single-character surnames.
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "区": ("ou",),
    "缪": ("miao",),
    "黑": ("he",),
    "盖": ("ge",),
    "乐": ("yue",),
    "召": ("shao",),
    "种": ("chong",),
    "覃": ("qin",),
    "华": ("hua",),
    "葛": ("ge",),
    "任": ("ren",),
    "燕": ("yan",),
    "员": ("yun",),
    "翟": ("zhai",),
    "宁": ("ning",),
    "祭": ("zhai",),
    "重": ("chong",),
    "柏": ("bai",),
    "句": ("gou",),
    "缑": ("gou",),
    "隗": ("wei",),
    "秘": ("bi",),
    "繁": ("po",),
    "阚": ("kan",),
    "洗": ("xian",),
    "冼": ("xian",),
    "折": ("she",),
    "应": ("ying",),
    "都": ("du",),
    "卜": ("bu",),
    "薄": ("bo",),
    "纪": ("ji",),
    "莘": ("shen",),
    "谌": ("chen",),
    "藏": ("zang",),
    "贲": ("ben",),
    "厍": ("she",),
    "能": ("nai",),
    "乜": ("nie",),
    "粘": ("nian",),
    "蕃": ("pi",),
    "尉": ("wei",),
    "瞿": ("qu",),
    "过": ("guo",),
    "曲": ("qu",),
    "长": ("zhang",),
    # Compound surnames.
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "夏侯": ("xia", "hou"),
    "轩辕": ("xuan", "yuan"),
    "令狐": ("ling", "hu"),
    "端木": ("duan", "mu"),
    "独孤": ("du", "gu"),
    "南宫": ("nan", "gong"),
    "西门": ("xi", "men"),
    "万俟": ("mo", "qi"),
    "闻人": ("wen", "ren"),
    "澹台": ("tan", "tai"),
    "公冶": ("gong", "ye"),
    "宗政": ("zong", "zheng"),
    "濮阳": ("pu", "yang"),
    "淳于": ("chun", "yu"),
    "单于": ("chan", "yu"),
    "太叔": ("tai", "shu"),
    "申屠": ("shen", "tu"),
    "仲孙": ("zhong", "sun"),
    "钟离": ("zhong", "li"),
    "呼延": ("hu", "yan"),
    "赫连": ("he", "lian"),
    "鲜于": ("xian", "yu"),
    "闾丘": ("lv", "qiu"),
    "亓官": ("qi", "guan"),
    "拓跋": ("tuo", "ba"),
    "夹谷": ("jia", "gu"),
    "乐正": ("yue", "zheng"),
    "百里": ("bai", "li"),
    "东郭": ("dong", "guo"),
    "公羊": ("gong", "yang"),
    "左丘": ("zuo", "qiu"),
    "第五": ("di", "wu"),
    "漆雕": ("qi", "diao"),
    "颛孙": ("zhuan", "sun"),
}

_LONGEST_SURNAME = max(len(key) for key in SURNAMES)

# Runs of letters or digits in any script; everything else (spaces, middle dots, punctuation)
# separates them and is dropped.
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    """pypinyin's `errors` handler: what is not Chinese, as lower-case letter/digit runs."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=65_536)
def _read(text: str) -> tuple[str, ...]:
    """pypinyin's phrase-aware reading of `text`, each token lower case and toneless."""
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors=_words))


def _tokens(name: str) -> list[str]:
    """The name as pinyin syllables and Latin/digit words, surname read from the table."""
    text = unicodedata.normalize("NFKC", name).strip()
    # Leading dots or punctuation are not part of the surname.
    while text and not text[0].isalnum():
        text = text[1:].lstrip()
    if not text:
        return []
    for length in range(min(_LONGEST_SURNAME, len(text)), 0, -1):
        reading = SURNAMES.get(text[:length])
        if reading is not None:
            return [*reading, *_read(text[length:])]
    first = _read(text[0])
    if len(first) == 1 and first[0] != text[0].lower():
        # A Chinese first character outside the table: the surname, read alone.
        return [*first, *_read(text[1:])]
    return list(_read(text))


def text_pinyin(text: str) -> tuple[str, str]:
    """(full, initials) of an organisation's name, read as words, not as a personal
    name: 成都市锦江区总工会 → ("chengdushijinjiangquzonggonghui", "cdsjjqzgh")."""
    tokens = _read(unicodedata.normalize("NFKC", text or "").strip())
    return ("".join(tokens), "".join(token[0] for token in tokens))


def name_pinyin(name: str) -> tuple[str, str]:
    """(full, initials) of a personal name: 张三丰 → ("zhangsanfeng", "zsf").

    Latin or digit runs count as one word each ("王A" → ("wanga", "wa")).
    """
    if not name:
        return ("", "")
    tokens = _tokens(name)
    return ("".join(tokens), "".join(token[0] for token in tokens))
