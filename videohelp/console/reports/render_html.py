"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no URLs.

It opens from a USB stick or an e-mail attachment with nothing to fetch. The
same markup (with the charts as images) feeds the PDF, whose QTextDocument
understands tables and simple CSS only, so the layout is tables throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from videohelp.console.platforms import platform_name
from videohelp.console.reports import present
from videohelp.console.reports.build import Report
from videohelp.console.reports.charts import bar_chart, daily_chart
from videohelp.console.reports.questions import ClassTop

FOLLOWUP_SHOWN = 100
SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'

CSS = """
body { font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif;
       color: #263238; margin: 24px auto; max-width: 1000px; font-size: 14px; line-height: 1.5; }
h1 { font-size: 26px; margin: 0 0 4px 0; color: #0D47A1; }
h2 { font-size: 20px; margin: 28px 0 8px 0; color: #0D47A1; border-bottom: 2px solid #BBDEFB; }
h3 { font-size: 16px; margin: 18px 0 6px 0; }
.en { color: #78909C; font-size: 12px; font-weight: normal; }
.meta { color: #607D8B; }
.published { background-color: #E3F2FD; padding: 10px; font-size: 16px; }
table { border-collapse: collapse; margin: 6px 0 12px 0; }
th, td { border: 1px solid #CFD8DC; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background-color: #ECEFF1; }
td.num { text-align: right; }
.draft { color: #B71C1C; font-weight: bold; }
.reviewed { color: #1B5E20; }
.chart { margin: 8px 0; }
pre.script { white-space: pre-wrap; background-color: #FAFAFA; border: 1px solid #CFD8DC;
             padding: 12px; font-family: inherit; font-size: 15px; }
"""


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: str  # standalone SVG (with its namespace)


ChartHook = Callable[[Chart], str]


def charts_of(report: Report) -> list[Chart]:
    """Every chart of the report: the daily trend and one per class."""
    highlight = set(report.period.dates())
    days = report.trends.series
    charts = [
        Chart("trend-comments", "每日评论数 Comments per day",
              daily_chart("每日评论数 Comments per day",
                          [(d.day, d.comments) for d in days], highlight)),
        Chart("trend-answered", "每日解答问题 Questions answered per day",
              daily_chart("每日解答问题 Questions answered per day",
                          [(d.day, d.answered) for d in days], highlight)),
    ]
    for number, klass in enumerate(report.classes):
        title = f"{klass.klass} {klass.name_en}：提问次数"
        charts.append(Chart(f"class-{number}", title, bar_chart(
            title, [(f"{i.code or ''} {i.name}".strip(), i.counts.asked) for i in klass.items])))
    return charts


def inline_svg(chart: Chart) -> str:
    """The chart inline in HTML5 (which needs no namespace: the file holds no URL at all)."""
    return f'<div class="chart">{chart.svg.replace(SVG_NS, "", 1)}</div>'


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None,
           wide: bool = True) -> str:
    numeric = numeric or set()
    width = ' width="100%"' if wide else ""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if n in numeric else f"<td>{c}</td>"
                         for n, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table cellspacing="0" cellpadding="4" border="1"{width}><tr>{head}</tr>{body}</table>'


def _label(zh: str, en: str) -> str:
    return f'{escape(zh)}<br/><span class="en">{escape(en)}</span>'


def _figures(report: Report) -> str:
    f = report.figures
    cells = [f"<td>{_label(zh, en)}</td><td class=\"num\"><b>{escape(value)}</b></td>"
             for zh, en, value in present.figure_rows(f)]
    rows = ["<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3)]
    platforms = _table(["平台 Platform", "评论 Comments", "占比 Share"],
                       [[escape(platform_name(p)), str(n), present.percent(n, f.comments)]
                        for p, n in f.by_platform.items()], {1, 2}, wide=False)
    return (f'<table cellspacing="0" cellpadding="4" border="1" width="100%">{"".join(rows)}</table>'
            f"<h3>各平台评论 <span class=\"en\">Comments by platform</span></h3>{platforms}")


def _trends(report: Report, charts: dict[str, str]) -> str:
    t = report.trends
    rows = []
    for row in t.rows:
        value = present.trend_value
        avg = "—" if row.daily_average is None else f"{row.daily_average:.1f}"
        rows.append([_label(row.label_zh, row.label_en), value(row.key, row.value),
                     value(row.key, row.previous), present.change(row.vs_previous),
                     value(row.key, row.week_before), present.change(row.vs_week_before), avg])
    prev, week = t.previous.period.label(), t.week_before.period.label()
    headers = ["指标 Figure", "本期 This period", f"上期 {prev}", "环比", f"上周同期 {week}", "同比上周",
               f"近{t.window_days}天日均"]
    return (_table(headers, rows, {1, 2, 3, 4, 5, 6}) + charts["trend-comments"]
            + charts["trend-answered"])


def _class_section(klass: ClassTop, chart: str) -> str:
    rows = []
    for rank, item in enumerate(klass.items, start=1):
        wordings = "<br/>".join(f"“{escape(text)}”×{count}" for text, count in item.wordings)
        answer = item.answer
        if answer is None:
            answer_html, status = "—", "—"
        else:
            answer_html = (f"{escape(answer.text)}<br/><span class=\"en\">"
                           f"{escape(present.SOURCE.get(answer.source, answer.source))}"
                           f"{' · ' + escape(answer.entry_id) if answer.entry_id else ''}</span>")
            css = "reviewed" if answer.status == "reviewed" else "draft"
            status = f'<span class="{css}">{escape(present.answer_status(answer))}</span>'
        rows.append([str(rank), f"{escape(item.code or '')} {escape(item.name)}",
                     str(item.counts.asked), str(item.counts.distinct), str(item.counts.answered),
                     wordings, answer_html, status])
    table = _table(["#", "事项 Item", "提问次数 Asked", "不同问题 Distinct", "已解答 Answered",
                    "网友原话 Wordings", "答复 Answer given", "审核 Review"], rows, {0, 2, 3, 4})
    return (f"<h3>{escape(klass.klass)} <span class=\"en\">{escape(klass.name_en)}</span> — "
            f"提问{klass.asked}次，不同问题{klass.distinct}个，已解答{klass.answered}个</h3>"
            f"{chart}{table}")


def _followup(report: Report) -> str:
    rows = report.followup
    if not rows:
        return "<p>没有待跟进的问题。No questions waiting.</p>"
    shown = rows[:FOLLOWUP_SHOWN]
    lines = [[present.stamp(r.received_ms), escape(r.platform), escape(r.viewer), escape(r.text),
              f"{escape(r.item or '')} {escape(r.item_name)}", str(r.asked),
              escape(present.STATE.get(r.state, r.state)) + ("（往日遗留）" if r.carried_over else "")]
             for r in shown]
    note = (f"<p>共{len(rows)}个，按转专家优先、提问次数排序，显示前{len(shown)}个；"
            "完整名单请导出 CSV 或 Excel。</p>" if len(rows) > len(shown) else f"<p>共{len(rows)}个。</p>")
    return note + _table(["时间 Time", "平台", "观众 Viewer", "问题 Question", "事项 Item", "次数",
                          "状态 State"], lines, {5})


def render_html(report: Report, chart_hook: ChartHook = inline_svg) -> str:
    """The whole report; ``chart_hook`` turns each chart into markup (inline SVG by default)."""
    charts = {chart.name: chart_hook(chart) for chart in charts_of(report)}
    title = f"交警视频帮 · 每日复盘 · {report.period.label()}"
    classes = "".join(_class_section(k, charts[f"class-{n}"]) for n, k in enumerate(report.classes))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">Daily review of the show · 生成于 {present.stamp(report.generated_ms)}</p>
<p class="published">{escape(report.published.text())}</p>
<h2>数据概览 <span class="en">The figures</span></h2>
{_figures(report)}
<h2>趋势 <span class="en">Trends</span></h2>
{_trends(report, charts)}
<h2>热点问题 <span class="en">Top questions by class</span></h2>
{classes or "<p>这段时间没有提问。No questions in this period.</p>"}
<h2>待跟进 <span class="en">Follow-up: unanswered and open flagged questions</span></h2>
{_followup(report)}
<h2>车管资讯（草稿）<span class="en">Draft 车管资讯 script</span></h2>
<pre class="script">{escape(report.script)}</pre>
</body></html>
"""
