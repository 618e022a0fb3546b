-- 0001: drills, participants and their scored results.
--
-- Only a display name is ever stored about a person (participants are often
-- children): no e-mail, no IP address, no token. TestSchemaStoresOnlyDisplayNames
-- lists every column and fails when one is added without review.
-- Times are Unix nanoseconds (UTC) given by the server's clock; uint64
-- values (seed, ticks) are stored as the same 64 bits in an INTEGER.

CREATE TABLE drills (
	id            TEXT    NOT NULL PRIMARY KEY,
	join_code     TEXT    NOT NULL,
	scenario      TEXT    NOT NULL,
	scenario_hash TEXT    NOT NULL,
	seed          INTEGER NOT NULL,
	tick_hz       INTEGER NOT NULL CHECK (tick_hz > 0),
	state         TEXT    NOT NULL CHECK (state IN ('lobby', 'running', 'paused', 'ended')),
	created_ns    INTEGER NOT NULL,
	started_ns    INTEGER,
	ended_ns      INTEGER,
	final_tick    INTEGER NOT NULL DEFAULT 0,
	final_hash    TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX drills_by_created ON drills (created_ns DESC, id);

-- A participant slot of a drill: the engine's participant ID, a display
-- name, and the bot policy ('' for a person).
CREATE TABLE participants (
	drill_id TEXT    NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
	slot     INTEGER NOT NULL CHECK (slot >= 0),
	name     TEXT    NOT NULL,
	policy   TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (drill_id, slot)
) STRICT;

CREATE TABLE results (
	drill_id TEXT    NOT NULL,
	slot     INTEGER NOT NULL,
	score    INTEGER NOT NULL,
	outcome  TEXT    NOT NULL,
	PRIMARY KEY (drill_id, slot),
	FOREIGN KEY (drill_id, slot) REFERENCES participants (drill_id, slot) ON DELETE CASCADE
) STRICT;

-- One scored task of one participant, in the scenario's task order (seq).
CREATE TABLE breakdown (
	drill_id   TEXT    NOT NULL,
	slot       INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	rule       TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	tick       INTEGER NOT NULL,
	points     INTEGER NOT NULL,
	max_points INTEGER NOT NULL,
	applicable INTEGER NOT NULL CHECK (applicable IN (0, 1)),
	reason_en  TEXT    NOT NULL,
	reason_zh  TEXT    NOT NULL,
	PRIMARY KEY (drill_id, slot, seq),
	FOREIGN KEY (drill_id, slot) REFERENCES results (drill_id, slot) ON DELETE CASCADE
) STRICT;

-- One objective's HSEEP rating (P, S, M, U; '-' when nothing applied).
CREATE TABLE objectives (
	drill_id   TEXT    NOT NULL,
	slot       INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	objective  TEXT    NOT NULL,
	title_en   TEXT    NOT NULL,
	title_zh   TEXT    NOT NULL,
	rating     TEXT    NOT NULL CHECK (rating IN ('P', 'S', 'M', 'U', '-')),
	points     INTEGER NOT NULL,
	max_points INTEGER NOT NULL,
	PRIMARY KEY (drill_id, slot, seq),
	FOREIGN KEY (drill_id, slot) REFERENCES results (drill_id, slot) ON DELETE CASCADE
) STRICT;
