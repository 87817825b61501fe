-- Comments as bridges deliver them, with what triage and the desk decide.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    msg_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    user_name_masked TEXT NOT NULL,
    text TEXT NOT NULL,            -- normalised original, for the officer only
    text_masked TEXT NOT NULL,     -- personal data masked, what may reach the screen
    ts_ms INTEGER NOT NULL,        -- the platform's time
    received_ms INTEGER NOT NULL,  -- when the console committed it
    state TEXT NOT NULL DEFAULT 'new',
    is_question INTEGER,
    item TEXT,
    confidence REAL,
    repeat_of INTEGER REFERENCES comments(id),
    blocked INTEGER NOT NULL DEFAULT 0,
    UNIQUE (platform, msg_id)
);
CREATE INDEX comments_received ON comments(received_ms);
CREATE INDEX comments_state ON comments(state);

-- Every state change: who, when, from, to.
CREATE TABLE comment_history (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id),
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX comment_history_comment ON comment_history(comment_id);

-- Likes, gifts, viewer counts and other platform events, for the show's figures.
CREATE TABLE platform_events (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    payload TEXT NOT NULL
);

-- Cards that went on air.
CREATE TABLE card_log (
    id INTEGER PRIMARY KEY,
    layer TEXT NOT NULL,
    template TEXT NOT NULL,
    data TEXT NOT NULL,
    comment_id INTEGER REFERENCES comments(id),
    taken_ms INTEGER NOT NULL,
    cleared_ms INTEGER,
    actor TEXT NOT NULL
);
