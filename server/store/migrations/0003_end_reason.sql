-- 0003: why a drill ended and whether each participant's results are from
-- a finished drill. drill serve ends a drill that nobody came back to for
-- --abandon-after (docs/server.md) as 'abandoned': its results are what the
-- engine decided at that tick, kept for the record but not a finished drill
-- (finished 0), so a teacher's report does not read them as a class's score.
-- '' is a drill that ran to its end or was ended by its facilitator.

ALTER TABLE drills ADD COLUMN end_reason TEXT NOT NULL DEFAULT '' CHECK (end_reason IN ('', 'abandoned'));

ALTER TABLE results ADD COLUMN finished INTEGER NOT NULL DEFAULT 1 CHECK (finished IN (0, 1));
