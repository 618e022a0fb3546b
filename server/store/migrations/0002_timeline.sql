-- 0002: the drill's key events for the after-action report (warnings,
-- messages, prompts, warning signs, slides, harm, help, joins).
-- who is a participant slot, or -1 when no participant is involved; npc is a
-- scenario's NPC ID ("crowd#3"), never a person.

CREATE TABLE timeline (
	drill_id TEXT    NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
	seq      INTEGER NOT NULL,
	tick     INTEGER NOT NULL,
	kind     TEXT    NOT NULL,
	who      INTEGER NOT NULL CHECK (who >= -1),
	npc      TEXT    NOT NULL,
	ref      TEXT    NOT NULL,
	level    TEXT    NOT NULL,
	value    REAL    NOT NULL,
	PRIMARY KEY (drill_id, seq)
) STRICT;
