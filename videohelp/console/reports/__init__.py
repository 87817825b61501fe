"""The daily review (每日复盘): the show's figures, top questions, follow-ups and script.

- ``period``: report periods as whole Hangzhou days.
- ``shows``: show sessions (on air / off air), written by the desk's session.
- ``status``: what counts as a question and how it was answered (shared SQL).
- ``figures``: every figure of a period, per day, in SQL.
- ``answers``: the answer given per item and its review status.
- ``questions``: top questions by item and class; the follow-up list.
- ``trends``, ``script``: comparisons; the draft 车管资讯 script.
- ``build``: the whole report with a progress callback.
- ``render_html``, ``render_pdf``, ``export``: HTML, PDF, CSV/Excel and text out.
- ``job``: a Qt worker that builds a report off the main thread for the desk.
"""
