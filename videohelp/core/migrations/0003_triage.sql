-- Triage (issue 5): the studio's re-filings of comments. Triage learns from
-- every row at start-up and from each new one at once (queue/triage/corrections.py).
CREATE TABLE triage_corrections (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER REFERENCES comments(id),  -- NULL for a correction typed in by hand
    text TEXT NOT NULL,                           -- the comment's normalised text
    item TEXT,                                    -- the item it belongs to; NULL = chatter
    actor TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX triage_corrections_comment ON triage_corrections(comment_id);
