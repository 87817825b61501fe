"""The draft 车管资讯 script: the period's top questions with their short answers.

Written to be read aloud on the radio's hourly rotation: a spoken opening, one
paragraph per question ("第一个问题：…？" then the answer), a spoken close.
Lines in 【】 are notes for the editor (unreviewed answers, counts), not for
air; the desk edits the text before exporting it.
"""

from __future__ import annotations

import re
from datetime import date

from videohelp.console.reports.period import DateRange
from videohelp.console.reports.questions import TopItem

SCRIPT_ITEMS = 5
ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Asides in brackets become spoken pauses.
    (re.compile(r"\s*[（(]\s*"), "，"),
    (re.compile(r"\s*[）)]\s*"), "，"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*%"), r"百分之\1"),
    (re.compile(r"(\d)\s*[~～—–]\s*(\d)"), r"\1到\2"),
    (re.compile(r"km/h", re.IGNORECASE), "公里每小时"),
    (re.compile(r"(?<=[\u4e00-\u9fff])\s*/\s*(?=[\u4e00-\u9fff])"), "或"),
    (re.compile(r"[；;]"), "，"),
    (re.compile(r"，\s*([，。！？])"), r"\1"),
    (re.compile(r"，{2,}"), "，"),
)


def speakable(text: str) -> str:
    """Text an announcer can read straight: no brackets, symbols spelled out, a full stop."""
    text = " ".join(text.split())
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = text.strip("，, ")
    if text and text[-1] not in "。！？":
        text += "。"
    return text


def _question(item: TopItem) -> str:
    if item.answer is not None and item.answer.question:
        text = item.answer.question
    elif item.wordings:
        text = item.wordings[0][0]
    else:
        text = item.name
    text = text.strip().rstrip("?？。.!！")
    return f"{text}？"


def _date_words(period: DateRange) -> str:
    def words(day: date) -> str:
        return f"{day.month}月{day.day}日"

    if period.first == period.last:
        return words(period.first)
    return f"{words(period.first)}到{words(period.last)}"


def draft_script(period: DateRange, items: list[TopItem], limit: int = SCRIPT_ITEMS) -> str:
    """The script for ``items`` (most asked first); items without an answer are skipped."""
    usable = [item for item in items if item.answer is not None][:limit]
    when = _date_words(period)
    lines = [f"【车管资讯（草稿）· {period.label()}】",
             f"【编辑提示：根据{when}《交警视频帮》直播中网友问得最多的{len(usable)}个问题整理；"
             "标“待审核”的答案尚未审核，播出前请核实。】", ""]
    if not usable:
        lines.append("【这段时间没有可用的问答。】")
        return "\n".join(lines) + "\n"
    lines += [f"各位听众朋友，这里是车管资讯。{when}的《交警视频帮》直播间里，"
              "网友们问得最多的是这几件事。", ""]
    for number, item in enumerate(usable):
        answer = item.answer
        assert answer is not None
        ordinal = ORDINALS[number] if number < len(ORDINALS) else str(number + 1)
        note = f"【{item.code} {item.name}，网友问了{item.counts.asked}次"
        if answer.status != "reviewed":
            note += f"；答案待审核（{answer.entry_id or '不在知识库'}）"
        lines += [note + "】", f"第{ordinal}个问题：{_question(item)}", speakable(answer.text), ""]
    lines.append("以上就是本期车管资讯。具体办理要求以车管所最新公告为准，"
                 "更多问题，欢迎到《交警视频帮》直播间提问。")
    return "\n".join(lines) + "\n"


def spoken_text(script: str) -> str:
    """The script without the editor's 【】 notes: what goes on air."""
    kept = [line for line in script.splitlines() if not re.fullmatch(r"\s*【[^】]*】\s*", line)]
    return "\n".join(kept).strip() + "\n"
