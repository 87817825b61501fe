-- The 锦囊口袋 explainer-clip library (issue 18). A clip is one video file, referenced
-- where it lies or copied into the data directory (copied = 1), probed on adding
-- (duration, size, codecs, sound) with a thumbnail and a preview strip (JPEG bytes,
-- a few tens of KB: kept in the row so that adding a clip is one transaction).
CREATE TABLE pocket_clips (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- absolute path of the file that is played
    source_path TEXT NOT NULL,          -- where it was added from (= path unless copied)
    copied INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '',      -- one per line
    presenter TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'reviewed')),
    link TEXT NOT NULL DEFAULT '',      -- 一键办理 link, if the clip has its own
    duration_s REAL NOT NULL,
    size_bytes INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,          -- with size_bytes: "changed since added" for check
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    video_codec TEXT NOT NULL,
    audio_codec TEXT NOT NULL DEFAULT '',  -- '' : no sound
    thumbnail BLOB NOT NULL,
    strip BLOB NOT NULL,
    plays INTEGER NOT NULL DEFAULT 0,      -- airings to program
    previews INTEGER NOT NULL DEFAULT 0,   -- plays on the return monitor
    added_ms INTEGER NOT NULL,
    added_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- The business items a clip explains (a clip may explain several).
CREATE TABLE pocket_clip_items (
    clip_id INTEGER NOT NULL REFERENCES pocket_clips(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    PRIMARY KEY (clip_id, item)
);
CREATE INDEX pocket_clip_items_item ON pocket_clip_items(item, clip_id);

-- Every airing and preview, for the daily review (clips played, airings per item).
CREATE TABLE pocket_plays (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES pocket_clips(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('air', 'preview')),
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    item TEXT,                 -- the item it was played for, if known
    comment_id INTEGER,        -- the question it answered, if any
    seconds REAL,              -- how long it ran (NULL while it runs)
    ended TEXT                 -- end, interrupted, panic, switched (NULL while it runs)
);
CREATE INDEX pocket_plays_at ON pocket_plays(at_ms, kind, clip_id);
