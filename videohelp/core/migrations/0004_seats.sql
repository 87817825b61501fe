-- Seats and the expert group (issue 8): who may connect, what they did, what the experts answered.

-- One row per seat. Only a hash of the token is stored: a stolen database opens no seat.
CREATE TABLE seats (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('officer', 'presenter', 'producer', 'expert', 'automation')),
    token_hash TEXT NOT NULL UNIQUE,   -- "sha256:" + hex of SHA-256(token)
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_ms INTEGER                 -- NULL while the token is valid
);

-- Every seat action, allowed or refused: who (seat and role), when, what, and the state before and after.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    seat TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    rid TEXT,
    target TEXT,                        -- a comment id or a layer name
    outcome TEXT NOT NULL,              -- 'ok' or the error code
    before TEXT,                        -- JSON, NULL when nothing existed
    after TEXT                          -- JSON, NULL when nothing changed
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
CREATE INDEX audit_log_seat ON audit_log(seat, at_ms);

-- Questions sent to the experts. A comment may be flagged again after it was closed.
CREATE TABLE expert_flags (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    note TEXT NOT NULL DEFAULT '',
    flagged_by TEXT NOT NULL,
    flagged_ms INTEGER NOT NULL,
    closed_ms INTEGER                   -- when the comment left the flagged state
);
CREATE INDEX expert_flags_comment ON expert_flags(comment_id);

-- Every expert answer is kept (two experts answering the same question: both rows; the first is shown).
CREATE TABLE expert_answers (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES expert_flags(id),
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    expert TEXT NOT NULL,
    text TEXT NOT NULL,
    flagged_ms INTEGER NOT NULL,
    answered_ms INTEGER NOT NULL,
    kb_entry TEXT,                      -- the knowledge-base draft made from it, if any
    aired_ms INTEGER,                   -- when the studio put it on air
    aired_text TEXT,                    -- what went on air (the studio may edit it)
    aired_by TEXT
);
CREATE INDEX expert_answers_comment ON expert_answers(comment_id);
CREATE INDEX expert_answers_expert ON expert_answers(expert);

-- Time from flag to answer, per expert (per question: expert_answers itself).
CREATE VIEW expert_response_times AS
SELECT expert,
       count(*) AS answers,
       min(answered_ms - flagged_ms) AS fastest_ms,
       CAST(avg(answered_ms - flagged_ms) AS INTEGER) AS mean_ms,
       max(answered_ms - flagged_ms) AS slowest_ms
FROM expert_answers
GROUP BY expert;
