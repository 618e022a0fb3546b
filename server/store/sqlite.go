package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DBName is the database's file name inside the data directory.
const DBName = "results.db"

// busyMillis is how long a connection waits for another one's lock (a
// second process, such as `drill results` while the server writes).
const busyMillis = 5000

// SQLite is the Store on one SQLite file in WAL mode: a single writer
// connection (SQLite allows one writer at a time anyway, and queueing in Go
// beats spinning on SQLITE_BUSY) and a small pool of query-only readers
// that read while the writer writes.
type SQLite struct {
	w, r *sql.DB
	path string

	// failAfter, in tests, makes SaveResults fail after storing this many
	// participants' results (0: never).
	failAfter int
}

var _ Store = (*SQLite)(nil)

// OpenDir opens (creating it and the directory if needed) the database in
// a data directory. The directory is private to the user: it holds
// children's display names.
func OpenDir(dir string) (*SQLite, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return Open(filepath.Join(dir, DBName))
}

// Open opens the SQLite database at path, creating it if it does not
// exist, and migrates it to the current schema.
func Open(path string) (*SQLite, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: database path %q: must be a file name without ? or #", path)
	}
	if strings.HasPrefix(path, "file:") {
		path = "./" + path // a plain file name, never a URI
	}
	// A new database is readable by its owner only (SQLite gives the WAL
	// files the database's permissions); an empty file is an empty database.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("store: %w", err)
	}
	common := fmt.Sprintf("_busy_timeout=%d&_foreign_keys=1", busyMillis)
	w, err := sql.Open("sqlite", path+"?"+common+"&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := migrate(context.Background(), w, len(migrations)); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return &SQLite{w: w, r: r, path: path}, nil
}

// Path is the database file.
func (s *SQLite) Path() string { return s.path }

// Close closes the database. The last connection to close checkpoints the
// write-ahead log into the database file.
func (s *SQLite) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// SchemaVersion is the database's schema version.
func (s *SQLite) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// tx runs f in a write transaction and commits it, or rolls it back when f
// fails.
func (s *SQLite) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func checkID(what, v string, empty bool) error {
	if (v == "" && !empty) || len(v) > MaxIDLen || !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %s %q: 1 to %d bytes of text without control characters", ErrInvalid, what, v, MaxIDLen)
	}
	return nil
}

// checkName accepts a display name: printable text of at most MaxNameLen
// bytes. Control characters are refused so a name cannot drive the
// terminal of a teacher reading `drill results`.
func checkName(p Participant) error {
	n := p.Name
	if strings.TrimSpace(n) == "" || len(n) > MaxNameLen || !utf8.ValidString(n) || strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: display name %q of participant %d: 1 to %d bytes of text without control characters", ErrInvalid, n, p.Slot, MaxNameLen)
	}
	if p.Slot < 0 {
		return fmt.Errorf("%w: participant slot %d", ErrInvalid, p.Slot)
	}
	return checkID("policy", p.Policy, true)
}

// nanos stores a time as Unix nanoseconds; the zero time as NULL.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// CreateDrill records a new drill. Its state defaults to lobby.
func (s *SQLite) CreateDrill(ctx context.Context, d Drill) error {
	if d.State == "" {
		d.State = StateLobby
	}
	for _, f := range []struct {
		what, v string
		empty   bool
	}{{"drill id", d.ID, false}, {"join code", d.JoinCode, true}, {"scenario", d.Scenario, false}, {"scenario hash", d.ScenarioHash, true}} {
		if err := checkID(f.what, f.v, f.empty); err != nil {
			return err
		}
	}
	switch {
	case !d.State.valid():
		return fmt.Errorf("%w: state %q", ErrInvalid, d.State)
	case d.TickHz <= 0:
		return fmt.Errorf("%w: tick rate %d Hz", ErrInvalid, d.TickHz)
	case d.CreatedAt.IsZero():
		return fmt.Errorf("%w: drill %s has no creation time", ErrInvalid, d.ID)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM drills WHERE id = ?`, d.ID).Scan(&one)
		if err == nil {
			return fmt.Errorf("%w: %s", ErrExists, d.ID)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO drills (id, join_code, scenario, scenario_hash, seed, tick_hz, state,
			created_ns, started_ns, ended_ns, final_tick, final_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.JoinCode, d.Scenario, d.ScenarioHash, int64(d.Seed), d.TickHz, string(d.State),
			nanos(d.CreatedAt).Int64, nanos(d.StartedAt), nanos(d.EndedAt), int64(d.FinalTick), d.FinalHash)
		return err
	})
}

func (s *SQLite) stateOf(ctx context.Context, tx *sql.Tx, id string) (State, error) {
	var st string
	err := tx.QueryRowContext(ctx, `SELECT state FROM drills WHERE id = ?`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return State(st), err
}

// UpdateDrillState moves a drill to state next at the server's time at.
func (s *SQLite) UpdateDrillState(ctx context.Context, drillID string, next State, at time.Time) error {
	if !next.valid() {
		return fmt.Errorf("%w: state %q", ErrInvalid, next)
	}
	if at.IsZero() {
		return fmt.Errorf("%w: state change of %s without a time", ErrInvalid, drillID)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.stateOf(ctx, tx, drillID)
		if err != nil {
			return err
		}
		if cur == next {
			return nil
		}
		if !cur.canMove(next) {
			return fmt.Errorf("%w: %s is %s and cannot become %s", ErrTransition, drillID, cur, next)
		}
		return setState(ctx, tx, drillID, next, at)
	})
}

func setState(ctx context.Context, tx *sql.Tx, id string, next State, at time.Time) error {
	var err error
	switch next {
	case StateRunning:
		_, err = tx.ExecContext(ctx, `UPDATE drills SET state = ?, started_ns = coalesce(started_ns, ?) WHERE id = ?`, string(next), at.UnixNano(), id)
	case StateEnded:
		_, err = tx.ExecContext(ctx, `UPDATE drills SET state = ?, ended_ns = ? WHERE id = ?`, string(next), at.UnixNano(), id)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE drills SET state = ? WHERE id = ?`, string(next), id)
	}
	return err
}

const upsertParticipant = `INSERT INTO participants (drill_id, slot, name, policy) VALUES (?, ?, ?, ?)
	ON CONFLICT (drill_id, slot) DO UPDATE SET name = excluded.name, policy = excluded.policy`

// AddParticipant records a participant slot, or renames it on a rejoin.
func (s *SQLite) AddParticipant(ctx context.Context, drillID string, p Participant) error {
	if err := checkName(p); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.stateOf(ctx, tx, drillID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, upsertParticipant, drillID, p.Slot, p.Name, p.Policy)
		return err
	})
}

func checkResults(r *Results) error {
	for i := range r.Participants {
		p := &r.Participants[i]
		if err := checkName(p.Participant); err != nil {
			return err
		}
		for _, o := range p.Objectives {
			switch o.Rating {
			case "P", "S", "M", "U", "-":
			default:
				return fmt.Errorf("%w: rating %q of objective %s", ErrInvalid, o.Rating, o.ID)
			}
		}
	}
	switch r.EndReason {
	case "", EndAbandoned:
	default:
		return fmt.Errorf("%w: end reason %q", ErrInvalid, r.EndReason)
	}
	if len(r.Timeline) > MaxTimeline {
		return fmt.Errorf("%w: %d timeline events (at most %d)", ErrInvalid, len(r.Timeline), MaxTimeline)
	}
	for _, e := range r.Timeline {
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) || e.Who < -1 {
			return fmt.Errorf("%w: timeline event %s at tick %d: who %d, value %v", ErrInvalid, e.Kind, e.Tick, e.Who, e.Value)
		}
	}
	return nil
}

// SaveResults replaces a drill's results, all or nothing.
func (s *SQLite) SaveResults(ctx context.Context, drillID string, r Results) error {
	if err := checkResults(&r); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.stateOf(ctx, tx, drillID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM results WHERE drill_id = ?`, `DELETE FROM timeline WHERE drill_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, drillID); err != nil {
				return err
			}
		}
		part, err := tx.PrepareContext(ctx, upsertParticipant)
		if err != nil {
			return err
		}
		defer part.Close()
		res, err := tx.PrepareContext(ctx, `INSERT INTO results (drill_id, slot, score, outcome, finished) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer res.Close()
		item, err := tx.PrepareContext(ctx, `INSERT INTO breakdown (drill_id, slot, seq, rule, kind, tick, points,
			max_points, applicable, reason_en, reason_zh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer item.Close()
		obj, err := tx.PrepareContext(ctx, `INSERT INTO objectives (drill_id, slot, seq, objective, title_en, title_zh,
			rating, points, max_points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer obj.Close()
		for n, p := range r.Participants {
			if s.failAfter > 0 && n == s.failAfter {
				return fmt.Errorf("store: failing after %d participants (test)", n)
			}
			if _, err := part.ExecContext(ctx, drillID, p.Slot, p.Name, p.Policy); err != nil {
				return err
			}
			if _, err := res.ExecContext(ctx, drillID, p.Slot, p.Score, p.Outcome, !p.Unfinished); err != nil {
				return fmt.Errorf("results of participant %d: %w", p.Slot, err)
			}
			for k, it := range p.Breakdown {
				if _, err := item.ExecContext(ctx, drillID, p.Slot, k, it.Rule, it.Kind, int64(it.Tick), it.Points,
					it.Max, it.Applicable, it.ReasonEN, it.ReasonZH); err != nil {
					return err
				}
			}
			for k, o := range p.Objectives {
				if _, err := obj.ExecContext(ctx, drillID, p.Slot, k, o.ID, o.TitleEN, o.TitleZH, o.Rating, o.Points, o.Max); err != nil {
					return err
				}
			}
		}
		ev, err := tx.PrepareContext(ctx, `INSERT INTO timeline (drill_id, seq, tick, kind, who, npc, ref, level, value)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ev.Close()
		for k, e := range r.Timeline {
			if _, err := ev.ExecContext(ctx, drillID, k, int64(e.Tick), e.Kind, e.Who, e.NPC, e.Ref, e.Level, e.Value); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE drills SET final_tick = ?, final_hash = ?, end_reason = ? WHERE id = ?`,
			int64(r.FinalTick), r.FinalHash, r.EndReason, drillID); err != nil {
			return err
		}
		if !r.EndedAt.IsZero() && cur != StateEnded {
			return setState(ctx, tx, drillID, StateEnded, r.EndedAt)
		}
		return nil
	})
}

// DeleteDrill removes a drill with its participants, results and timeline.
func (s *SQLite) DeleteDrill(ctx context.Context, drillID string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM drills WHERE id = ?`, drillID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("%w: %s", ErrNotFound, drillID)
		}
		return err
	})
}

const drillColumns = `d.id, d.join_code, d.scenario, d.scenario_hash, d.seed, d.tick_hz, d.state,
	d.created_ns, d.started_ns, d.ended_ns, d.final_tick, d.final_hash, d.end_reason`

type scanner interface{ Scan(...any) error }

func scanDrill(sc scanner, extra ...any) (Drill, error) {
	var d Drill
	var seed, tick, created int64
	var started, ended sql.NullInt64
	var state string
	err := sc.Scan(append([]any{&d.ID, &d.JoinCode, &d.Scenario, &d.ScenarioHash, &seed, &d.TickHz, &state,
		&created, &started, &ended, &tick, &d.FinalHash, &d.EndReason}, extra...)...)
	d.Seed, d.FinalTick, d.State = uint64(seed), uint64(tick), State(state)
	d.CreatedAt = fromNanos(sql.NullInt64{Int64: created, Valid: true})
	d.StartedAt, d.EndedAt = fromNanos(started), fromNanos(ended)
	return d, err
}

// ListDrills returns every drill with its number of participants, newest
// first (ties by ID).
func (s *SQLite) ListDrills(ctx context.Context) ([]DrillSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+drillColumns+`,
		(SELECT count(*) FROM participants p WHERE p.drill_id = d.id)
		FROM drills d ORDER BY d.created_ns DESC, d.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DrillSummary
	for rows.Next() {
		var ds DrillSummary
		if ds.Drill, err = scanDrill(rows, &ds.Participants); err != nil {
			return nil, err
		}
		out = append(out, ds)
	}
	return out, rows.Err()
}

// Results reads one drill's results from one snapshot, so a save in
// progress is seen either whole or not at all.
func (s *SQLite) Results(ctx context.Context, drillID string) (*DrillResults, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d, err := scanDrill(tx.QueryRowContext(ctx, `SELECT `+drillColumns+` FROM drills d WHERE d.id = ?`, drillID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, drillID)
	}
	if err != nil {
		return nil, err
	}
	out := &DrillResults{Drill: d}
	idx := map[int32]int{}
	err = each(ctx, tx, `SELECT p.slot, p.name, p.policy, coalesce(r.score, 0), coalesce(r.outcome, ''),
		coalesce(r.finished, 1) = 0
		FROM participants p LEFT JOIN results r ON r.drill_id = p.drill_id AND r.slot = p.slot
		WHERE p.drill_id = ? ORDER BY p.slot`, drillID, func(rows *sql.Rows) error {
		var p ParticipantResult
		if err := rows.Scan(&p.Slot, &p.Name, &p.Policy, &p.Score, &p.Outcome, &p.Unfinished); err != nil {
			return err
		}
		idx[p.Slot] = len(out.Participants)
		out.Participants = append(out.Participants, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, `SELECT slot, rule, kind, tick, points, max_points, applicable, reason_en, reason_zh
		FROM breakdown WHERE drill_id = ? ORDER BY slot, seq`, drillID, func(rows *sql.Rows) error {
		var slot int32
		var tick int64
		var it Item
		if err := rows.Scan(&slot, &it.Rule, &it.Kind, &tick, &it.Points, &it.Max, &it.Applicable, &it.ReasonEN, &it.ReasonZH); err != nil {
			return err
		}
		it.Tick = uint64(tick)
		p := &out.Participants[idx[slot]]
		p.Breakdown = append(p.Breakdown, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, `SELECT slot, objective, title_en, title_zh, rating, points, max_points
		FROM objectives WHERE drill_id = ? ORDER BY slot, seq`, drillID, func(rows *sql.Rows) error {
		var slot int32
		var o Objective
		if err := rows.Scan(&slot, &o.ID, &o.TitleEN, &o.TitleZH, &o.Rating, &o.Points, &o.Max); err != nil {
			return err
		}
		p := &out.Participants[idx[slot]]
		p.Objectives = append(p.Objectives, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, `SELECT tick, kind, who, npc, ref, level, value FROM timeline WHERE drill_id = ? ORDER BY seq`,
		drillID, func(rows *sql.Rows) error {
			var e Event
			var tick int64
			if err := rows.Scan(&tick, &e.Kind, &e.Who, &e.NPC, &e.Ref, &e.Level, &e.Value); err != nil {
				return err
			}
			e.Tick = uint64(tick)
			out.Timeline = append(out.Timeline, e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func each(ctx context.Context, tx *sql.Tx, q string, arg any, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
