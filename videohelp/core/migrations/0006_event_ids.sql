-- Platform events (likes, gifts, viewer counts) with a bridge id are stored once per
-- (platform, id), like comments: a bridge that resends after a lost ack adds nothing.
ALTER TABLE platform_events ADD COLUMN msg_id TEXT;
CREATE UNIQUE INDEX platform_events_key ON platform_events(platform, msg_id)
    WHERE msg_id IS NOT NULL;
