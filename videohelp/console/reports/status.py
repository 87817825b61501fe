"""What counts as a question, and how each question was answered (shared SQL).

- Blocked comments (flag or state) count as comments, never as questions.
- A question is what triage marked as one, or what the desk treated as one
  (queued, aired, flagged or answered it): the desk overrides triage.
- Chatter is what triage marked as not a question and the desk left alone;
  everything else is untriaged.
- A *distinct question* is a question comment with its repeats of the same
  day (the ingest sets ``repeat_of`` on a repeat to the first comment). It is
  "asked" once per comment, answered once: by whichever comment of it the
  desk acted on, or by the original (even of an earlier day, whose answer
  the viewer heard). Grouping by day keeps every figure of a day the same
  whatever period it is reported in, so days add up to periods.
- Answer routes, in order of precedence: ``on_air`` (a comment of it went on
  screen), ``expert`` (went from flagged to answered), ``other`` (answered
  without either), ``dismissed`` (every comment of it dismissed), ``open``.
- *Answered by experts* is counted apart from the routes: a distinct question an expert
  answered (an ``expert_answers`` row, or flagged -> answered), however the answer then went
  out; an expert card the studio aired is on air *and* by experts.
- Time to answer runs from the question's first comment in the period to
  the answering event; an answer given before that (on an earlier day, to
  the original) has no waiting time.

Queries take the named parameters ``:start`` and ``:end`` (epoch ms, end
exclusive) and refer to comments as ``c``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from videohelp.console.reports.period import DateRange
DESK_STATES = "('queued', 'on_air', 'answered', 'flagged')"
NOT_BLOCKED = "(c.blocked = 0 AND c.state != 'blocked')"
IS_QUESTION = f"({NOT_BLOCKED} AND (c.is_question = 1 OR c.state IN {DESK_STATES}))"
IS_CHATTER = f"({NOT_BLOCKED} AND c.is_question = 0 AND c.state NOT IN {DESK_STATES})"
IN_RANGE = "c.received_ms >= :start AND c.received_ms < :end"
KIND = (f"CASE WHEN NOT {NOT_BLOCKED} THEN 'blocked' WHEN {IS_QUESTION} THEN 'questions'"
        f" WHEN {IS_CHATTER} THEN 'chatter' ELSE 'untriaged' END")

ANSWERED_ROUTES = ("on_air", "expert", "other")

# ``s``: one row per distinct question (day, original) in the period. Columns:
# day (local day number), anchor (the original's id), first_id (its first
# comment that day) with its received_ms and item, asked (comments), flagged
# (a comment of it is flagged now), flagged_ms (last flagging), route,
# by_expert, answer_ms, wait_ms.
# SQLite takes the bare columns (received_ms, item) from the row holding min(id),
# the first comment (ids follow arrival; a batch shares one received_ms).
QUESTIONS_SQL = """
WITH m AS (
    SELECT c.id, coalesce(c.repeat_of, c.id) AS anchor, c.state, c.received_ms, c.item,
           {day} AS day
    FROM comments c WHERE {in_range} AND {is_question}
), g AS (
    SELECT day, anchor, min(id) AS first_id, received_ms, item, count(*) AS asked,
           sum(state = 'flagged') > 0 AS flagged, sum(state != 'dismissed') = 0 AS dismissed
    FROM m GROUP BY day, anchor
), ids AS (
    SELECT id, day, anchor FROM m UNION SELECT anchor, day, anchor FROM m
), ev AS (
    SELECT ids.day AS day, ids.anchor AS anchor,
           min(CASE WHEN h.to_state = 'on_air' THEN h.at_ms END) AS aired,
           min(CASE WHEN h.to_state = 'answered' AND h.from_state = 'flagged' THEN h.at_ms END)
               AS expert,
           min(CASE WHEN h.to_state = 'answered' THEN h.at_ms END) AS answered,
           max(CASE WHEN h.to_state = 'flagged' THEN h.at_ms END) AS flagged_ms
    FROM comment_history h JOIN ids ON ids.id = h.comment_id
    WHERE h.to_state IN ('on_air', 'answered', 'flagged')
    GROUP BY ids.day, ids.anchor
), xa AS (
    SELECT ids.day AS day, ids.anchor AS anchor, min(x.answered_ms) AS answered
    FROM expert_answers x JOIN ids ON ids.id = x.comment_id
    GROUP BY ids.day, ids.anchor
), r AS (
    SELECT g.*, ev.flagged_ms,
           (ev.expert IS NOT NULL OR xa.answered IS NOT NULL) AS by_expert,
           CASE WHEN ev.aired IS NOT NULL THEN 'on_air'
                WHEN ev.expert IS NOT NULL THEN 'expert'
                WHEN ev.answered IS NOT NULL THEN 'other'
                WHEN g.dismissed THEN 'dismissed'
                ELSE 'open' END AS route,
           coalesce(ev.aired, ev.expert, ev.answered) AS answer_ms
    FROM g LEFT JOIN ev ON ev.day = g.day AND ev.anchor = g.anchor
           LEFT JOIN xa ON xa.day = g.day AND xa.anchor = g.anchor
), s AS (
    SELECT r.*, CASE WHEN answer_ms >= received_ms THEN answer_ms - received_ms END AS wait_ms
    FROM r
)
"""


def questions_sql(period: DateRange) -> str:
    """The ``s`` CTE above for ``period``: its day numbers in its time zone."""
    return QUESTIONS_SQL.format(day=period.day_sql("c.received_ms"), in_range=IN_RANGE,
                                is_question=IS_QUESTION)
