"""The interface's words: one term for each thing, the variants people also write beside
it. tests/test_glossary.py fails when a variant appears in the Chinese catalogue or a
template; the importers still read the variants in column headers (a roster is the
user's own words, not ours)."""

TERMS = {
    "工会编码": ("工会代码",),
    "手机号码": ("手机号 ", "手机号，", "手机号。"),
    "用人单位": ("用工单位",),
    "困难职工档案": ("困难档案",),
}
