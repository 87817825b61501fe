-- The editable business-item catalog and the Q&A knowledge base (issue 4).
-- List-valued fields are JSON arrays (ensure_ascii off, so the text stays searchable).

-- Seeding bookkeeping: which shipped data went in, so a base emptied on purpose is not refilled.
CREATE TABLE kb_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The 108 items. Codes and classes are the client's and fixed; the rest is editable.
CREATE TABLE catalog_items (
    code TEXT PRIMARY KEY,
    klass TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    synonyms TEXT NOT NULL DEFAULT '[]',   -- ["驾照", ...]
    documents TEXT NOT NULL DEFAULT '[]',  -- ["身份证明", ...]
    channels TEXT NOT NULL DEFAULT '[]',   -- [{"name": ..., "path": ...}]
    link TEXT NOT NULL DEFAULT '',
    articles TEXT NOT NULL DEFAULT '[]',   -- [{"source": file, "article": "第十条"}]
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
);

-- Every change to an item: who, when, the item before (NULL when created) and after, as JSON.
CREATE TABLE catalog_history (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL REFERENCES catalog_items(code),
    version INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,  -- seed, edit, import
    before TEXT,
    after TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX catalog_history_code ON catalog_history(code);

-- Q&A entries. pk is the FTS rowid (a TEXT primary key's implicit rowid may change on VACUUM).
CREATE TABLE kb_entries (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    item TEXT NOT NULL REFERENCES catalog_items(code),
    questions TEXT NOT NULL,               -- ["驾照到期了怎么换", ...]
    short_answer TEXT NOT NULL CHECK (length(short_answer) BETWEEN 1 AND 60),
    full_answer TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_article TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'reviewed')),
    reviewed_by TEXT,
    reviewed_at TEXT,                      -- ISO 8601
    version INTEGER NOT NULL DEFAULT 1,
    change_note TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    CHECK (status = 'draft' OR (reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL))
);
CREATE INDEX kb_entries_item ON kb_entries(item);

-- Every change to an entry, as for the catalog.
CREATE TABLE kb_history (
    id INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,  -- seed, create, edit, review, import
    before TEXT,
    after TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX kb_history_entry ON kb_history(entry_id);

-- One row each time an answer went on air (the desk records it): counts and when.
CREATE TABLE kb_airings (
    id INTEGER PRIMARY KEY,
    entry_id TEXT NOT NULL REFERENCES kb_entries(id),
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    confirmed_draft INTEGER NOT NULL DEFAULT 0  -- a draft the officer confirmed for air
);
CREATE INDEX kb_airings_entry ON kb_airings(entry_id);

-- Chinese full-text search: the trigram tokenizer needs no word segmenter; queries shorter
-- than three characters (驾照, 过户) fall back to LIKE on the same columns.
CREATE VIRTUAL TABLE kb_fts USING fts5(questions, answers, item_terms, tokenize = 'trigram');

CREATE TRIGGER kb_entries_fts_insert AFTER INSERT ON kb_entries BEGIN
    INSERT INTO kb_fts (rowid, questions, answers, item_terms) VALUES (
        new.pk,
        (SELECT group_concat(value, ' ') FROM json_each(new.questions)),
        new.short_answer || ' ' || new.full_answer,
        (SELECT name_zh || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(synonyms)), '')
         FROM catalog_items WHERE code = new.item));
END;

CREATE TRIGGER kb_entries_fts_delete AFTER DELETE ON kb_entries BEGIN
    DELETE FROM kb_fts WHERE rowid = old.pk;
END;

CREATE TRIGGER kb_entries_fts_update AFTER UPDATE ON kb_entries BEGIN
    DELETE FROM kb_fts WHERE rowid = old.pk;
    INSERT INTO kb_fts (rowid, questions, answers, item_terms) VALUES (
        new.pk,
        (SELECT group_concat(value, ' ') FROM json_each(new.questions)),
        new.short_answer || ' ' || new.full_answer,
        (SELECT name_zh || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(synonyms)), '')
         FROM catalog_items WHERE code = new.item));
END;

-- A renamed item or new synonyms: its entries are found by the new words too.
CREATE TRIGGER catalog_items_fts_update AFTER UPDATE OF name_zh, synonyms ON catalog_items BEGIN
    UPDATE kb_fts SET item_terms =
        new.name_zh || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_each(new.synonyms)), '')
    WHERE rowid IN (SELECT pk FROM kb_entries WHERE item = new.code);
END;
