-- Show sessions, for "hours on air" in the daily review: one row per time the
-- desk went on air. ended_ms is NULL while the show runs; a show left open by a
-- crash is closed at its last sign of life when the next one starts.
CREATE TABLE shows (
    id INTEGER PRIMARY KEY,
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER,
    actor TEXT NOT NULL,
    end_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shows_started ON shows(started_ms);

-- The review reads a period's comments by time, with the columns its figures
-- group and count on: covering them all keeps a month's report off the table's
-- wide rows (texts, names), about twice as fast (docs/performance.md).
CREATE INDEX comments_report
    ON comments(received_ms, platform, user_id, blocked, is_question, state, item, repeat_of);

-- Answer events (on air, answered) are found by state, then by comment.
CREATE INDEX comment_history_report ON comment_history(to_state, comment_id, at_ms, from_state);
