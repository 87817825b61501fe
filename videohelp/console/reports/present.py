"""How figures read: labels (Chinese and English) and number formats.

Shared by the HTML, the PDF and the desk's report view so all three say the same thing the
same way. A report is printed in one language, the UI's: each label has both.
"""

from __future__ import annotations

from datetime import tzinfo

from videohelp.console.reports.answers import NOT_IN_KB, GivenAnswer
from videohelp.console.reports.figures import Figures
from videohelp.console.reports.period import SHOW_TZ, local_time

STATUS = {"reviewed": "已审核", "draft": "待审核", NOT_IN_KB: "不在知识库"}
STATUS_EN = {"reviewed": "Reviewed", "draft": "Draft", NOT_IN_KB: "Not in the KB"}
SOURCE = {"aired": "播出答案", "card": "字幕卡答案", "kb": "知识库参考答案（未播出）"}
SOURCE_EN = {"aired": "Aired answer", "card": "Answer on the Q&A card",
             "kb": "Knowledge-base answer for reference (not aired)"}
ROUTE = {"on_air": "直播解答", "expert": "专家解答", "other": "其他方式解答",
         "dismissed": "已忽略", "open": "未解答"}
STATE = {"new": "新评论", "triaged": "已分拣", "queued": "待播", "on_air": "播出中",
         "answered": "已解答", "flagged": "已转专家", "dismissed": "已忽略", "blocked": "已屏蔽"}
STATE_EN = {"new": "New", "triaged": "Triaged", "queued": "Queued", "on_air": "On air",
            "answered": "Answered", "flagged": "With the experts", "dismissed": "Dismissed",
            "blocked": "Blocked"}
EXPERT_NOTE_ZH = ("专家解答：专家答复过的问题，无论是否在直播中播出；"
                  "直播解答、其他方式解答与未解答、已忽略合计为不同问题数。")
EXPERT_NOTE_EN = ("Answered by experts: questions an expert answered, whether or not the answer "
                  "aired. On air, otherwise, unanswered and dismissed add up to the distinct "
                  "questions.")


def hours(value: float) -> str:
    return f"{value:.1f}"


def duration(seconds: float | None) -> str:
    """65 -> "1分05秒"; None -> "—"."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    if minutes >= 60:
        return f"{minutes // 60}小时{minutes % 60:02d}分"
    return f"{minutes}分{secs:02d}秒" if minutes else f"{secs}秒"


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def change(value: float | None) -> str:
    """0.125 -> "+13%"; None -> "—"."""
    return "—" if value is None else f"{value:+.0%}"


def clock(ms: int | None, zone: tzinfo = SHOW_TZ) -> str:
    return "—" if ms is None else local_time(ms, zone).strftime("%H:%M")


def stamp(ms: int | None, zone: tzinfo = SHOW_TZ) -> str:
    return "—" if ms is None else local_time(ms, zone).strftime("%Y-%m-%d %H:%M")


def answer_status(answer: GivenAnswer | None) -> str:
    return "—" if answer is None else STATUS.get(answer.status, answer.status)


def figure_rows(figures: Figures) -> list[tuple[str, str, str]]:
    """The day's figures as (Chinese label, English label, value), in reading order."""
    peak = (f"{figures.peak_per_minute}（{clock(figures.peak_minute_ms, figures.period.zone)}）"
            if figures.peak_minute_ms is not None else "0")
    return [
        ("直播时长（小时）", "Hours on air", f"{hours(figures.hours_on_air)}（{figures.shows}场）"),
        ("评论总数", "Comments", str(figures.comments)),
        ("提问", "Questions", f"{figures.questions}（{percent(figures.questions, figures.comments)}）"),
        ("闲聊", "Chatter", f"{figures.chatter}（{percent(figures.chatter, figures.comments)}）"),
        ("未分拣", "Not triaged", str(figures.untriaged)),
        ("已屏蔽", "Blocked", str(figures.blocked)),
        ("互动观众", "Distinct viewers", str(figures.viewers)),
        ("每分钟评论峰值", "Peak comments per minute", peak),
        ("不同问题", "Distinct questions", str(figures.distinct_questions)),
        ("已解答（合计）", "Answered (all routes)", str(figures.answered)),
        ("直播解答", "Answered on air", str(figures.answered_on_air)),
        ("专家解答", "Answered by experts", str(figures.expert_answered)),
        ("其他方式解答", "Answered otherwise",
         str(figures.answered_by_experts + figures.answered_other)),
        ("未解答", "Left unanswered", str(figures.unanswered)),
        ("已忽略", "Dismissed", str(figures.dismissed)),
        ("解答用时中位数", "Median time to answer", duration(figures.median_answer_s)),
        ("场外提问", "Asked off air", str(figures.asked_off_air)),
        ("智能问答自动解答", "Answered automatically", str(figures.auto_answered)),
        ("转交演播室", "Passed on to the studio", str(figures.passed_on)),
    ]


def trend_value(key: str, value: float | None) -> str:
    """A trend table's cell: durations as durations, hours to one decimal."""
    if value is None:
        return "—"
    if key == "median_answer_s":
        return duration(value)
    return hours(value) if key == "hours_on_air" else f"{value:g}"
