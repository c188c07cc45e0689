"""The national framework of performance-indicator categories (一级/二级指标).

Two versions are in use: the older framework (产出指标 with 数量/质量/时效/成本指标) and the
2021 one (财预〔2021〕101号), which makes 成本指标 a level-1 category with 经济/社会/生态环境
成本指标 under it. Publishers write the categories in full (``产出指标``), bare
(``数量指标``), shortened (``社会效益``) or with their codes (``1-产出指标；13-时效指标``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVEL1: dict[str, str] = {
    "1": "产出指标",
    "2": "效益指标",
    "3": "满意度指标",
    "4": "成本指标",
}


@dataclass(frozen=True)
class Level2:
    code: str
    name: str
    level1: str
    framework: str  # "both", "pre2021" or "2021"


LEVEL2: tuple[Level2, ...] = (
    Level2("11", "数量指标", "产出指标", "both"),
    Level2("12", "质量指标", "产出指标", "both"),
    Level2("13", "时效指标", "产出指标", "both"),
    Level2("14", "成本指标", "产出指标", "pre2021"),
    Level2("21", "经济效益指标", "效益指标", "both"),
    Level2("22", "社会效益指标", "效益指标", "both"),
    Level2("23", "生态效益指标", "效益指标", "both"),
    Level2("24", "可持续影响指标", "效益指标", "both"),
    Level2("31", "服务对象满意度指标", "满意度指标", "both"),
    Level2("41", "经济成本指标", "成本指标", "2021"),
    Level2("42", "社会成本指标", "成本指标", "2021"),
    Level2("43", "生态环境成本指标", "成本指标", "2021"),
)
LEVEL2_BY_NAME: dict[str, Level2] = {c.name: c for c in LEVEL2 if c.framework != "pre2021"}
LEVEL2_BY_CODE: dict[str, Level2] = {c.code: c for c in LEVEL2}

# Stems as they are written, longest first so that 服务对象满意度 wins over 满意度.
_LEVEL1_STEMS = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标"}
_LEVEL2_STEMS = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
    "可持续": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本": "生态环境成本指标",
    "生态成本": "生态环境成本指标",
}
_ALL_STEMS = sorted({**_LEVEL1_STEMS, **_LEVEL2_STEMS}, key=len, reverse=True)
#: A category as written: optional code (``13-``), a stem, an optional ``指标``.
CATEGORY_PATTERN = (
    r"(?:(?P<code>\d{1,2})\s*[-－—.．]\s*)?(?P<stem>"
    + "|".join(re.escape(s) for s in _ALL_STEMS)
    + r")(?P<suffix>指标|类指标)?"
)
_CATEGORY_FULL = re.compile(r"^\s*" + CATEGORY_PATTERN + r"\s*$")


@dataclass(frozen=True)
class Category:
    """A category token read from text: which level it is and its full name."""

    level: int
    name: str
    level1: str  # the level-1 category it belongs to (itself when level == 1)


def read_category(text: str | None, *, under: str | None = None) -> Category | None:
    """Read one category token (``13-时效指标``, ``社会效益``, ``产出指标``); else ``None``.

    ``under`` is the level-1 category already read before this token; it decides the
    ambiguous ``成本指标`` (level 1 in the 2021 framework, level 2 under 产出 before).
    """
    if not text:
        return None
    m = _CATEGORY_FULL.match(text.replace("\n", ""))
    if not m:
        return None
    code, stem = m.group("code"), m.group("stem")
    if code and len(code) == 2 and code in LEVEL2_BY_CODE:
        c = LEVEL2_BY_CODE[code]
        return Category(2, c.name, c.level1)
    if stem == "成本" and under == "产出指标":
        return Category(2, "成本指标", "产出指标")
    if code and len(code) == 1 and code in LEVEL1 and stem in _LEVEL1_STEMS:
        return Category(1, LEVEL1[code], LEVEL1[code])
    if stem in _LEVEL1_STEMS:
        name = _LEVEL1_STEMS[stem]
        return Category(1, name, name)
    full = _LEVEL2_STEMS[stem]
    c = LEVEL2_BY_NAME[full]
    return Category(2, c.name, c.level1)


def normalize_levels(level1_text: str | None, level2_text: str | None) -> tuple[str | None, str | None]:
    """Normalize a (一级指标, 二级指标) pair read from separate cells (long layout).

    Unknown text is kept as written rather than dropped.
    """
    l1 = read_category(level1_text)
    level1 = l1.level1 if l1 else (level1_text or None)
    l2 = read_category(level2_text, under=level1)
    if l2 is None:
        level2 = level2_text or None
    elif l2.level == 2:
        level2 = l2.name
        if l1 is None:
            level1 = l2.level1
    else:  # a level-1 name written in the level-2 cell
        level2 = level2_text
    if l1 is not None and l1.level == 2:
        # a level-2 name in the level-1 cell: file it where it belongs
        level1, level2 = l1.level1, level2 or l1.name
    return level1, level2


def split_run_together(text: str) -> tuple[str | None, str | None, str | None]:
    """Split a 绩效指标 cell that prints level 1, level 2 and the name run together
    (``产出指标数量指标培训工作完成率`` → 产出指标, 数量指标, 培训工作完成率). Levels are taken only
    when written in full (with 指标), so a name that merely starts with a stem stays whole."""
    level1 = level2 = None
    rest = text
    for _ in range(2):
        for stem in _ALL_STEMS:
            token = stem + "指标"
            if level1 is not None and stem in _LEVEL2_STEMS and len(stem) >= 4 and not rest.startswith(token):
                token = stem  # after level 1, a long level-2 stem may come without 指标 (服务对象满意度)
                if len(rest) <= len(token):
                    continue
            if rest.startswith(token):
                cat = read_category(token, under=level1)
                if cat is None:
                    continue
                if cat.level == 1 and level1 is None and level2 is None:
                    level1 = cat.name
                elif cat.level == 2 and level2 is None:
                    level2 = cat.name
                    level1 = level1 or cat.level1
                else:
                    break
                rest = rest[len(token) :]
                break
        else:
            break
    return level1, level2, rest or None
