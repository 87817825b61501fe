"""24-hour answers (智能问答): the reviewed knowledge base answers viewers off air.

Pure core: ``policy`` (confidence, threshold, the answer or the pass-on text),
``answerer`` (question -> triage engine -> item + reviewed entry; one thread),
``clients`` (hashed per-client tokens), ``limits`` (token buckets). The I/O
around it: ``service`` (worker thread, knowledge refresh, storing every question
as a comment), ``http`` (``POST /api/v1/ask``, OpenAPI, the ``/ask`` chat page),
``log`` (SQLite: what was answered, withdrawals), ``install`` (the one hook the
console's server builders call). See docs/answers.md.
"""
