-- The repeats of a comment, by the comment they repeat. Triage looks them up after every
-- batch (a question's waiting repeats take its filing: queue/triage/storage.py). Without
-- an index that lookup scanned every comment of the show: 66 ms a batch at 1,000,000
-- comments (a three-hour show at 100/s), 2.5 batches a second on the writer thread that
-- commits the bridges' comments. Partial: only repeats (a few in a hundred) pay for it.
-- Built once on upgrade: 87 ms over 1,000,000 comments here.
CREATE INDEX comments_repeat_of ON comments(repeat_of) WHERE repeat_of IS NOT NULL;
