-- 24-hour answers (issue 19): every question the answering service took, what it said,
-- and the entries withdrawn from automatic use. Personal data is masked before it is
-- stored here: the question as the screen would show it, the viewer as a keyed digest.
CREATE TABLE answer_log (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    comment_id INTEGER REFERENCES comments(id),  -- the question stored as a comment
    client TEXT NOT NULL,                        -- the API client (or bridge) that asked
    platform TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    viewer TEXT NOT NULL DEFAULT '',             -- digest of the viewer id, never the id
    question_masked TEXT NOT NULL,
    answered INTEGER NOT NULL,                   -- 1: answered automatically; 0: passed on
    reason TEXT NOT NULL,                        -- answered, off_topic, not_sure, no_reviewed_answer
    item TEXT,                                   -- the item answered (or triage's guess)
    entry_id TEXT,                               -- the reviewed entry given
    entry_reviewed_at TEXT,                      -- the review it was given under
    answer_text TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL,
    wrong_by TEXT,                               -- someone marked the answer wrong
    wrong_ms INTEGER
);
CREATE INDEX answer_log_at ON answer_log(at_ms);
CREATE INDEX answer_log_comment ON answer_log(comment_id);

-- "Wrong answer": the entry stays out of automatic use until it is reviewed again
-- (any later version of it that is reviewed).
CREATE TABLE answer_withdrawals (
    id INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL,
    entry_version INTEGER NOT NULL,               -- the version withdrawn
    reviewed_at TEXT,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    log_id INTEGER REFERENCES answer_log(id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX answer_withdrawals_entry ON answer_withdrawals(entry_id);
