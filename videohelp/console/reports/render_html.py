"""The report as one self-contained HTML file, laid out for screen and for print.

It opens from a USB stick or an e-mail attachment with nothing to fetch: inline CSS, inline
SVG charts, the letterhead's logo (if any) as a data: URI, no scripts and no links. The same
markup is what the PDF is printed from (``render_pdf``), so its CSS carries the print layout
too (CSS paged media, which browsers ignore on screen): A4, a running header with the unit,
the report and its number, "page N of M" at the foot, wide tables on landscape pages, rows
and charts never split, headings kept with what follows, and a sign-off block.

Labels are in one language, the UI's (``zh_CN`` or ``en``); what viewers wrote, item names
and answers stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from videohelp.console.reports import present
from videohelp.console.reports.build import Report
from videohelp.console.reports.charts import bar_chart, daily_chart
from videohelp.console.reports.letterhead import Letterhead
from videohelp.console.reports.questions import ClassTop, TopItem
from videohelp.core.platforms import platform_name

FOLLOWUP_SHOWN = 30  # the most pressing; the CSV/Excel export holds them all
# On paper: the five most asked items of each class and the 15 most pressing follow-ups keep a
# show day to a few pages (a 90-second demo day printed 14 pages with everything); the screen
# and the exports keep the rest.
PRINTED_ITEMS = 5
PRINTED_FOLLOWUPS = 15
SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'

CSS = """
body { font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif;
       color: #263238; margin: 24px auto; max-width: 1000px; font-size: 14px; line-height: 1.5; }
h1 { font-size: 24px; margin: 0 0 4px 0; color: #0D47A1; }
h2 { font-size: 19px; margin: 24px 0 8px 0; color: #0D47A1; border-bottom: 2px solid #BBDEFB; }
h3 { font-size: 15px; margin: 14px 0 6px 0; }
.letterhead { border-bottom: 3px double #B71C1C; padding-bottom: 6px; margin-bottom: 10px; }
.letterhead .unit { font-size: 18px; font-weight: bold; color: #B71C1C; letter-spacing: 2px; }
.letterhead img { height: 48px; float: left; margin-right: 12px; }
.meta { color: #607D8B; }
.published { background-color: #E3F2FD; padding: 10px; font-size: 15px; }
table { border-collapse: collapse; margin: 6px 0 12px 0; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #CFD8DC; padding: 3px 6px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background-color: #ECEFF1; }
td.num, th.num { text-align: right; }
.narrow { width: auto; table-layout: auto; }
.draft { color: #B71C1C; font-weight: bold; }
.reviewed { color: #1B5E20; }
.hint { color: #78909C; font-size: 12px; }
.chart svg { max-width: 100%; height: auto; }
pre.script { white-space: pre-wrap; background-color: #FAFAFA; border: 1px solid #CFD8DC;
             padding: 12px; font-family: inherit; font-size: 14px; }
table.charts td { border: none; padding: 0 4px 0 0; }
.print-only { display: none; }
.signoff td { border: none; padding: 18px 6px 0 0; font-size: 15px; }
@page { size: A4; margin: 20mm 14mm 16mm 14mm;
        @top-left { content: var(--header-left); font: 8.5pt 'Noto Sans CJK SC', sans-serif;
                    color: #607D8B; }
        @top-right { content: var(--header-right); font: 8.5pt 'Noto Sans CJK SC', sans-serif;
                     color: #607D8B; }
        @bottom-center { content: var(--footer); font: 8.5pt 'Noto Sans CJK SC', sans-serif;
                         color: #607D8B; } }
@page landscape { size: A4 landscape; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; line-height: 1.4; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; } h3 { font-size: 11.5pt; }
  .portrait { page: portrait; } .landscape { page: landscape; }
  h2, h3, .keep-with-next { break-after: avoid; }
  tr, .chart, .keep, .signoff, .published { break-inside: avoid; }
  thead { display: table-header-group; }
  .screen-only { display: none; } .print-only { display: block; }
  .keep .chart svg { width: 55%; height: auto; }
  pre.script { font-size: 10.5pt; }
}
"""


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: str  # standalone SVG (with its namespace)


ChartHook = Callable[[Chart], str]


class Words:
    """The report's labels in one language: ``words("中文", "English")``."""

    def __init__(self, language: str) -> None:
        self.english = language.startswith("en")
        self.language = "en" if self.english else "zh_CN"

    def __call__(self, zh: str, en: str) -> str:
        return en if self.english else zh


def charts_of(report: Report, language: str = "zh_CN") -> list[Chart]:
    """Every chart of the report: the daily trend and one per class."""
    w = Words(language)
    highlight = set(report.period.dates())
    days = report.trends.series
    comments, answered = w("每日评论数", "Comments per day"), w("每日解答问题", "Questions answered per day")
    charts = [
        Chart("trend-comments", comments,
              daily_chart(comments, [(d.day, d.comments) for d in days], highlight)),
        Chart("trend-answered", answered,
              daily_chart(answered, [(d.day, d.answered) for d in days], highlight)),
    ]
    for number, klass in enumerate(report.classes):
        title = w(f"{klass.klass}：提问次数", f"{klass.name_en}: times asked")
        charts.append(Chart(f"class-{number}", title, bar_chart(
            title, [(f"{i.code or ''} {i.name}".strip(), i.counts.asked) for i in klass.items])))
    return charts


def inline_svg(chart: Chart) -> str:
    """The chart inline in HTML5 (which needs no namespace: the file holds no URL at all)."""
    return f'<div class="chart">{chart.svg.replace(SVG_NS, "", 1)}</div>'


def _table(headers: list[str], rows: list[list[str]], widths: list[int],
           numeric: set[int] | None = None, css: str = "", printed: int | None = None) -> str:
    """A table with fixed column widths (percent) and a header row repeated on every page;
    rows after the first ``printed`` are left off paper."""
    numeric = numeric or set()
    cols = "".join(f'<col style="width: {width}%"/>' for width in widths)
    head = "".join(f'<th class="num">{h}</th>' if n in numeric else f"<th>{h}</th>"
                   for n, h in enumerate(headers))
    body = "".join(
        ('<tr class="screen-only">' if printed is not None and number >= printed else "<tr>")
        + "".join(f'<td class="num">{c}</td>' if n in numeric else f"<td>{c}</td>"
                  for n, c in enumerate(row)) + "</tr>" for number, row in enumerate(rows))
    return (f'<table class="{css}"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _figures(report: Report, w: Words) -> str:
    f = report.figures
    rows = present.figure_rows(f)
    cells = [f"<td>{escape(w(zh, en))}</td><td class=\"num\"><b>{escape(value)}</b></td>"
             for zh, en, value in rows]
    body = "".join("<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    figures = (f'<table><colgroup>{"<col/>" * 6}</colgroup><tbody>{body}</tbody></table>'
               f'<p class="hint">{escape(w(present.EXPERT_NOTE_ZH, present.EXPERT_NOTE_EN))}</p>')
    platforms = _table(
        [w("平台", "Platform"), w("评论", "Comments"), w("占比", "Share")],
        [[escape(platform_name(p, w.language)), str(n), present.percent(n, f.comments)]
         for p, n in f.by_platform.items()], [40, 30, 30], {1, 2}, css="narrow")
    return f'{figures}<h3>{escape(w("各平台评论", "Comments by platform"))}</h3>{platforms}'


def _trends(report: Report, charts: dict[str, str], w: Words) -> str:
    t = report.trends
    rows = []
    for row in t.rows:
        value = present.trend_value
        avg = "—" if row.daily_average is None else f"{row.daily_average:.1f}"
        rows.append([escape(w(row.label_zh, row.label_en)), value(row.key, row.value),
                     value(row.key, row.previous), present.change(row.vs_previous),
                     value(row.key, row.week_before), present.change(row.vs_week_before), avg])
    prev, week = t.previous.period.label(), t.week_before.period.label()
    headers = [w("指标", "Figure"), w("本期", "This period"), f"{w('上期', 'Previous')}<br/>{prev}",
               w("环比", "Change"), f"{w('上周同期', 'A week earlier')}<br/>{week}",
               w("同比上周", "Change"), w(f"近{t.window_days}天日均", f"{t.window_days}-day average")]
    table = _table(headers, rows, [22, 12, 14, 10, 14, 12, 16], {1, 2, 3, 4, 5, 6})
    pair = (f'<table class="charts"><colgroup><col/><col/></colgroup><tbody><tr>'
            f'<td>{charts["trend-comments"]}</td><td>{charts["trend-answered"]}</td>'
            "</tr></tbody></table>")
    return table + pair


def _answer_cells(item: TopItem, w: Words) -> tuple[str, str]:
    answer = item.answer
    if answer is None:
        return "—", "—"
    source = w(present.SOURCE.get(answer.source, answer.source),
               present.SOURCE_EN.get(answer.source, answer.source))
    entry = f" · {escape(answer.entry_id)}" if answer.entry_id else ""
    text = f'{escape(answer.text)}<br/><span class="hint">{escape(source)}{entry}</span>'
    css = "reviewed" if answer.status == "reviewed" else "draft"
    status = w(present.answer_status(answer), present.STATUS_EN.get(answer.status, answer.status))
    return text, f'<span class="{css}">{escape(status)}</span>'


def _class_section(klass: ClassTop, chart: str, w: Words) -> str:
    rows = []
    for rank, item in enumerate(klass.items, start=1):
        wordings = "<br/>".join(f"“{escape(text)}”×{count}" for text, count in item.wordings)
        answer, status = _answer_cells(item, w)
        rows.append([str(rank), f"{escape(item.code or '')} {escape(item.name)}",
                     str(item.counts.asked), str(item.counts.distinct), str(item.counts.answered),
                     wordings, answer, status])
    table = _table(["#", w("事项", "Item"), w("提问", "Asked"), w("不同问题", "Distinct"),
                    w("已解答", "Answered"), w("网友原话", "Wordings"), w("答复", "Answer given"),
                    w("审核", "Review")], rows, [4, 16, 6, 7, 8, 23, 25, 11], {0, 2, 3, 4},
                   printed=PRINTED_ITEMS)
    if len(rows) > PRINTED_ITEMS:
        more = w(f"另有{len(rows) - PRINTED_ITEMS}个事项见电子版。",
                 f"{len(rows) - PRINTED_ITEMS} more items in the electronic copy.")
        table += f'<p class="hint print-only">{escape(more)}</p>'

    name = w(klass.klass, klass.name_en)
    summary = w(f"提问{klass.asked}次，不同问题{klass.distinct}个，已解答{klass.answered}个",
                f"asked {klass.asked} times, {klass.distinct} distinct, {klass.answered} answered")
    return (f'<div class="keep"><h3>{escape(name)} — {escape(summary)}</h3>{chart}</div>'
            f"{table}")


def _followup(report: Report, w: Words) -> str:
    rows = report.followup
    if not rows:
        return f'<p>{escape(w("没有待跟进的问题。", "No questions waiting."))}</p>'
    shown = rows[:FOLLOWUP_SHOWN]
    carried = w("（往日遗留）", " (earlier day)")
    zone = report.period.zone
    lines = [[present.stamp(r.received_ms, zone), escape(platform_name(r.platform, w.language)),
              escape(r.viewer), escape(r.text), f"{escape(r.item or '')} {escape(r.item_name)}",
              str(r.asked),
              escape(w(present.STATE.get(r.state, r.state), present.STATE_EN.get(r.state, r.state))
                     + (carried if r.carried_over else ""))]
             for r in shown]
    if len(rows) > len(shown):
        note = w(f"共{len(rows)}个，按转专家优先、提问次数排序，显示前{len(shown)}个；"
                 "完整名单请导出 CSV 或 Excel。",
                 f"{len(rows)} in all, flagged first, then the most asked; the first {len(shown)} "
                 "are shown. Export CSV or Excel for the full list.")
    else:
        note = w(f"共{len(rows)}个。", f"{len(rows)} in all.")
    note = escape(note)
    on_paper = w(f"纸质版列前{PRINTED_FOLLOWUPS}个。", f"The first {PRINTED_FOLLOWUPS} are printed.")
    if len(lines) > PRINTED_FOLLOWUPS:
        note += f'<span class="print-only">{escape(on_paper)}</span>'
    return f"<p>{note}</p>" + _table(
        [w("时间", "Time"), w("平台", "Platform"), w("观众", "Viewer"), w("问题", "Question"),
         w("事项", "Item"), w("次数", "Asked"), w("状态", "State")], lines,
        [12, 10, 7, 32, 18, 7, 14], {5}, printed=PRINTED_FOLLOWUPS)


def _clips(report: Report, w: Words) -> str:
    """锦囊口袋: clips played, each item's clip airings against times asked, clips to record."""
    clips = report.clips
    parts = [f"<h3>{escape(w('播出的锦囊', 'Clips played'))}</h3>"]
    if clips.played:
        parts.append(_table(
            [w("锦囊", "Clip"), w("事项", "Items"), w("播出", "Aired"), w("预览", "Previewed"),
             w("播出时长（秒）", "Seconds on air")],
            [[escape(r["title"]), escape(r["items"] or "—"), str(r["airings"]), str(r["previews"]),
              f"{r['seconds']:.0f}"] for r in clips.played], [36, 28, 10, 12, 14], {2, 3, 4}))
    else:
        parts.append(f"<p>{escape(w('这段时间没有播出或预览锦囊。', 'No clips played.'))}</p>")
    parts.append(f"<h3>{escape(w('事项：锦囊播出与提问', 'Item clip airings against times asked'))}</h3>")
    if clips.items:
        parts.append(_table(
            [w("事项", "Item"), w("提问", "Asked"), w("锦囊播出", "Clip airings"), w("锦囊数", "Clips")],
            [[escape(r["name"]), str(r["asked"]), str(r["airings"]), str(r["clips"])]
             for r in clips.items], [52, 16, 16, 16], {1, 2, 3}, printed=PRINTED_ITEMS * 2))
    else:
        parts.append("<p>—</p>")
    to_record = w("待录制的锦囊（问得多、还没有锦囊的事项）",
                  "Clips to record next: most-asked items without a clip")
    parts.append(f"<h3>{escape(to_record)}</h3>")
    if clips.to_record:
        parts.append(_table([w("事项", "Item"), w("提问", "Asked")],
                            [[escape(r["name"]), str(r["asked"])] for r in clips.to_record],
                            [80, 20], {1}, printed=PRINTED_ITEMS * 2))
    else:
        parts.append(f"<p>{escape(w('问到的事项都有锦囊。', 'Every item asked has a clip.'))}</p>")
    return "".join(parts)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the page header and footer)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_css(title: str, number: str, unit: str, w: Words) -> str:
    left = " · ".join(part for part in (unit, title) if part)
    right = f"{w('编号', 'No.')}：{number}" if number else ""
    footer = (w('"第 " counter(page) " 页 / 共 " counter(pages) " 页"',
                '"Page " counter(page) " of " counter(pages)'))
    # WeasyPrint does not take var() in margin boxes: write the values in place.
    return (CSS.replace("var(--header-left)", _css_string(left))
            .replace("var(--header-right)", _css_string(right))
            .replace("var(--footer)", footer))


def _letterhead(letterhead: Letterhead, title: str, number: str, report: Report, w: Words) -> str:
    logo = letterhead.logo_data_uri()
    parts = [f'<img src="{logo}" alt=""/>' if logo else ""]
    if letterhead.unit:
        parts.append(f'<div class="unit">{escape(letterhead.unit)}</div>')
    parts.append(f"<h1>{escape(title)}</h1>")
    meta = [f"{w('统计时段', 'Period')}：{report.period.label()}",
            f"{w('生成于', 'Generated')} {present.stamp(report.generated_ms, report.period.zone)}"]
    if number:
        meta.insert(0, f"{w('编号', 'No.')}：{escape(number)}")
    parts.append(f'<p class="meta">{" ｜ ".join(meta)}</p>')
    return f'<div class="letterhead keep">{"".join(parts)}</div>'


def _signoff(letterhead: Letterhead, w: Words) -> str:
    def line(label: str, name: str) -> str:
        return f"<td>{escape(label)}：{escape(name) if name else '____________'}</td>"

    return (f'<table class="signoff narrow"><tbody><tr>'
            f"{line(w('制表', 'Prepared by'), letterhead.prepared_by)}"
            f"{line(w('审核', 'Reviewed by'), letterhead.reviewed_by)}"
            f"{line(w('签发日期', 'Date'), '')}</tr></tbody></table>")


def render_html(report: Report, chart_hook: ChartHook = inline_svg, *, language: str = "zh_CN",
                letterhead: Letterhead | None = None) -> str:
    """The whole report; ``chart_hook`` turns each chart into markup (inline SVG by default)."""
    w = Words(language)
    head = letterhead or Letterhead()
    charts = {chart.name: chart_hook(chart) for chart in charts_of(report, language)}
    title = w(f"{head.show} · 每日复盘 · {report.period.label()}",
              f"{head.show} · Daily review · {report.period.label()}")
    number = head.number(report.period)
    classes = "".join(_class_section(k, charts[f"class-{n}"], w)
                      for n, k in enumerate(report.classes))
    no_questions = w("这段时间没有提问。", "No questions in this period.")
    return f"""<!DOCTYPE html>
<html lang="{'en' if w.english else 'zh-CN'}"><head><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{escape(title)}</title><style>{_page_css(title, number, head.unit, w)}</style></head>
<body>
<section class="portrait">
{_letterhead(head, title, number, report, w)}
<p class="published">{escape(report.published.text())}</p>
<h2>{escape(w("数据概览", "The figures"))}</h2>
{_figures(report, w)}
<h2>{escape(w("趋势", "Trends"))}</h2>
{_trends(report, charts, w)}
</section>
<section class="landscape">
<h2>{escape(w("热点问题", "Top questions by class"))}</h2>
{classes or f"<p>{escape(no_questions)}</p>"}
<h2>{escape(w("待跟进", "Follow-up: unanswered and open flagged questions"))}</h2>
{_followup(report, w)}
<h2>{escape(w("锦囊口袋", "Explainer clips"))}</h2>
{_clips(report, w)}
</section>
<section class="portrait">
<h2>{escape(w("车管资讯（草稿）", "Draft 车管资讯 script"))}</h2>
<pre class="script">{escape(report.script)}</pre>
{_signoff(head, w)}
</section>
</body></html>
"""
