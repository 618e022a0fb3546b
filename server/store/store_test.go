package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
)

var t0 = time.Date(2025, 6, 3, 8, 30, 0, 0, time.UTC)

func open(t *testing.T) (*SQLite, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func drill(id string, created time.Time) Drill {
	return Drill{ID: id, JoinCode: "K7Q2", Scenario: "heat", ScenarioHash: SourceHash([]byte("scenario " + id)),
		Seed: 1<<63 + 5, TickHz: 20, State: StateLobby, CreatedAt: created}
}

var names = []string{"李小明", "王芳", "张伟🌸", "Zoë", "陈静怡", "Ahmed", "刘洋", "赵敏", "good-01", "黄晓燕"}

// results makes n participants' results, every other one a bot, with
// Chinese names and bilingual reasons.
func results(n int, ended time.Time) Results {
	r := Results{FinalTick: 18000, FinalHash: "0123456789abcdef", EndedAt: ended}
	for i := 0; i < n; i++ {
		p := ParticipantResult{
			Participant: Participant{Slot: int32(i), Name: fmt.Sprintf("%s %d", names[i%len(names)], i)},
			Score:       (i * 37) % 101,
			Outcome:     []string{"safe", "unsafe", "collapsed"}[i%3],
		}
		if i%2 == 1 {
			p.Policy = "naive"
		}
		for k := 0; k < 3; k++ {
			p.Breakdown = append(p.Breakdown, Item{Rule: fmt.Sprintf("obj%d/task%d", k/2, k), Kind: "reach",
				Tick: uint64(100*k + i), Points: k + i%3, Max: 10, Applicable: k != 2,
				ReasonEN: fmt.Sprintf("Reached the shelter %d s after the cue to go.", k*30),
				ReasonZH: fmt.Sprintf("在需要转移后%d秒到达避难所。", k*30)})
		}
		for k := 0; k < 2; k++ {
			p.Objectives = append(p.Objectives, Objective{ID: fmt.Sprintf("obj%d", k), TitleEN: "Evacuate in time",
				TitleZH: "及时转移", Rating: []string{"P", "S", "M", "U", "-"}[(i+k)%5], Points: k * 5, Max: 10})
		}
		r.Participants = append(r.Participants, p)
	}
	r.Timeline = []Event{
		{Tick: 0, Kind: "joined", Who: 0},
		{Tick: 600, Kind: "warning", Who: -1, Ref: "heat", Level: "orange"},
		{Tick: 900, Kind: "symptoms", Who: -1, NPC: "crowd#3", Level: "heat_exhaustion", Value: 38.25},
		{Tick: 18000, Kind: "drill_ended", Who: -1},
	}
	return r
}

// want is what Results should return after saving r for d.
func want(d Drill, r Results) *DrillResults {
	d.FinalTick, d.FinalHash = r.FinalTick, r.FinalHash
	if !r.EndedAt.IsZero() {
		d.State, d.EndedAt = StateEnded, r.EndedAt
	}
	return &DrillResults{Drill: d, Participants: r.Participants, Timeline: r.Timeline}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		n       int
		ended   time.Time
		started bool
	}{
		{"40 participants, ended", 40, t0.Add(20 * time.Minute), true},
		{"one participant, provisional", 1, time.Time{}, true},
		{"nobody joined", 0, t0.Add(time.Minute), false},
		{"the most a drill holds", engine.MaxParticipants, t0.Add(15*time.Minute + 123456789), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := open(t)
			ctx := context.Background()
			d := drill("d1", t0)
			if err := s.CreateDrill(ctx, d); err != nil {
				t.Fatal(err)
			}
			if tc.started {
				if err := s.UpdateDrillState(ctx, d.ID, StateRunning, t0.Add(time.Minute)); err != nil {
					t.Fatal(err)
				}
				d.State, d.StartedAt = StateRunning, t0.Add(time.Minute)
			}
			r := results(tc.n, tc.ended)
			if err := s.SaveResults(ctx, d.ID, r); err != nil {
				t.Fatal(err)
			}
			got, err := s.Results(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if w := want(d, r); !reflect.DeepEqual(got, w) {
				t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, w)
			}
			// Saving again replaces, never appends.
			r2 := results(tc.n/2, tc.ended)
			if err := s.SaveResults(ctx, d.ID, r2); err != nil {
				t.Fatal(err)
			}
			got, err = s.Results(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			w := want(d, r2)
			// Participants beyond the second save stay as joined, without results.
			for _, p := range r.Participants[tc.n/2:] {
				w.Participants = append(w.Participants, ParticipantResult{Participant: p.Participant})
			}
			if !reflect.DeepEqual(got, w) {
				t.Fatalf("second save differs:\n got %+v\nwant %+v", got, w)
			}
		})
	}
}

func TestChineseNamesRoundTrip(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	ctx := context.Background()
	if err := s.CreateDrill(ctx, drill("zh", t0)); err != nil {
		t.Fatal(err)
	}
	for i, n := range []string{"李小明", "欧阳娜娜", "王芳🌸", "𠀀𪚥", "Zoë Ó", "阿卜杜拉·买买提", strings.Repeat("龍", 21)} {
		p := Participant{Slot: int32(i), Name: n}
		if err := s.AddParticipant(ctx, "zh", p); err != nil {
			t.Fatalf("%q: %v", n, err)
		}
		got, err := s.Results(ctx, "zh")
		if err != nil {
			t.Fatal(err)
		}
		if g := got.Participants[i].Name; g != n {
			t.Errorf("name %q came back as %q", n, g)
		}
	}
}

func TestRejectsBadNames(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	ctx := context.Background()
	if err := s.CreateDrill(ctx, drill("d", t0)); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"", "   ", "a\x1b[2Jb", "line\nbreak", "\xff\xfe", strings.Repeat("龍", 22)} {
		err := s.AddParticipant(ctx, "d", Participant{Slot: 1, Name: n})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("name %q: got %v, want ErrInvalid", n, err)
		}
		r := results(2, time.Time{})
		r.Participants[1].Name = n
		if err := s.SaveResults(ctx, "d", r); !errors.Is(err, ErrInvalid) {
			t.Errorf("results with name %q: got %v, want ErrInvalid", n, err)
		}
	}
	if err := s.AddParticipant(ctx, "d", Participant{Slot: -1, Name: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative slot: got %v", err)
	}
	if err := s.AddParticipant(ctx, "nope", Participant{Slot: 0, Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown drill: got %v", err)
	}
}

func TestListOrdering(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	ctx := context.Background()
	if got, err := s.ListDrills(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty store: %v %v", got, err)
	}
	// Created out of order; b and c share a time and sort by ID.
	for _, d := range []struct {
		id string
		at time.Duration
		n  int
	}{{"c", time.Hour, 3}, {"a", 0, 1}, {"d", 2 * time.Hour, 0}, {"b", time.Hour, 40}} {
		if err := s.CreateDrill(ctx, drill(d.id, t0.Add(d.at))); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < d.n; i++ {
			if err := s.AddParticipant(ctx, d.id, Participant{Slot: int32(i), Name: names[i%len(names)]}); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.ListDrills(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var counts []int
	for _, d := range got {
		ids = append(ids, d.ID)
		counts = append(counts, d.Participants)
	}
	if w := []string{"d", "b", "c", "a"}; !reflect.DeepEqual(ids, w) {
		t.Errorf("order %v, want %v", ids, w)
	}
	if w := []int{0, 40, 3, 1}; !reflect.DeepEqual(counts, w) {
		t.Errorf("participant counts %v, want %v", counts, w)
	}
	if !got[0].CreatedAt.Equal(t0.Add(2*time.Hour)) || got[0].Seed != 1<<63+5 {
		t.Errorf("summary fields: %+v", got[0])
	}
}

func TestStateTransitions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path []State
		ok   []bool
	}{
		{[]State{StateRunning, StatePaused, StateRunning, StateEnded}, []bool{true, true, true, true}},
		{[]State{StatePaused}, []bool{false}},
		{[]State{StateEnded, StateRunning}, []bool{true, false}},
		{[]State{StateRunning, StateRunning, StateLobby}, []bool{true, true, false}},
		{[]State{StateRunning, StateEnded, StateEnded}, []bool{true, true, true}},
		{[]State{"finished"}, []bool{false}},
	} {
		t.Run(fmt.Sprint(tc.path), func(t *testing.T) {
			t.Parallel()
			s, _ := open(t)
			ctx := context.Background()
			if err := s.CreateDrill(ctx, drill("d", t0)); err != nil {
				t.Fatal(err)
			}
			for i, st := range tc.path {
				err := s.UpdateDrillState(ctx, "d", st, t0.Add(time.Duration(i+1)*time.Minute))
				if (err == nil) != tc.ok[i] {
					t.Fatalf("step %d → %s: err %v, want ok=%v", i, st, err, tc.ok[i])
				}
			}
		})
	}
	s, _ := open(t)
	ctx := context.Background()
	d := drill("d", t0)
	if err := s.CreateDrill(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateDrill(ctx, d); !errors.Is(err, ErrExists) {
		t.Errorf("second create: %v", err)
	}
	if err := s.UpdateDrillState(ctx, "zz", StateRunning, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown drill: %v", err)
	}
	// The first start is kept across pause and resume; the end is recorded.
	for i, st := range []State{StateRunning, StatePaused, StateRunning, StateEnded} {
		if err := s.UpdateDrillState(ctx, "d", st, t0.Add(time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Results(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Drill.StartedAt.Equal(t0.Add(time.Minute)) || !got.Drill.EndedAt.Equal(t0.Add(4*time.Minute)) || got.Drill.State != StateEnded {
		t.Errorf("times: %+v", got.Drill)
	}
}

// TestSaveIsAtomic: a save that fails part-way leaves no trace of itself,
// neither on a fresh drill nor over earlier results.
func TestSaveIsAtomic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(s *SQLite, r *Results) context.Context
	}{
		{"fails after 20 of 40 participants", func(s *SQLite, r *Results) context.Context {
			s.failAfter = 20
			return context.Background()
		}},
		{"duplicate slot 30", func(s *SQLite, r *Results) context.Context {
			r.Participants[30].Slot = 29
			return context.Background()
		}},
		{"objective rating out of range", func(s *SQLite, r *Results) context.Context {
			r.Participants[39].Objectives[1].Rating = "A"
			return context.Background()
		}},
		{"breakdown of the last participant repeated", func(s *SQLite, r *Results) context.Context {
			r.Participants = append(r.Participants, r.Participants[39])
			r.Participants[40].Name = "重复"
			return context.Background()
		}},
		{"cancelled context", func(s *SQLite, r *Results) context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := open(t)
			ctx := context.Background()
			for _, id := range []string{"fresh", "saved"} {
				if err := s.CreateDrill(ctx, drill(id, t0)); err != nil {
					t.Fatal(err)
				}
				if err := s.UpdateDrillState(ctx, id, StateRunning, t0.Add(time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			first := results(10, time.Time{})
			first.FinalTick, first.FinalHash = 600, "aaaaaaaaaaaaaaaa"
			if err := s.SaveResults(ctx, "saved", first); err != nil {
				t.Fatal(err)
			}
			before := map[string]*DrillResults{}
			for _, id := range []string{"fresh", "saved"} {
				var err error
				if before[id], err = s.Results(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range []string{"fresh", "saved"} {
				bad := results(40, t0.Add(time.Hour))
				bctx := tc.spoil(s, &bad)
				if err := s.SaveResults(bctx, id, bad); err == nil {
					t.Fatalf("%s: the broken save succeeded", id)
				}
				s.failAfter = 0
				got, err := s.Results(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, before[id]) {
					t.Errorf("%s: a failed save changed the drill:\n got %+v\nwant %+v", id, got, before[id])
				}
			}
			if n := count(t, s, "breakdown"); n != 30 {
				t.Errorf("%d breakdown rows, want the first save's 30", n)
			}
		})
	}
}

func count(t *testing.T, s *SQLite, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConcurrentReadersWhileWriting: readers never wait for the writer,
// never see SQLITE_BUSY, and see each drill's results whole or not at all.
func TestConcurrentReadersWhileWriting(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	ctx := context.Background()
	const drills = 12
	for i := 0; i < drills; i++ {
		if err := s.CreateDrill(ctx, drill(fmt.Sprintf("d%02d", i), t0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	var reads [4]int
	for k := 0; k < 4; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.ListDrills(ctx); err != nil {
					errs <- err
					return
				}
				id := fmt.Sprintf("d%02d", (reads[k]+k)%drills)
				got, err := s.Results(ctx, id)
				if err != nil {
					errs <- err
					return
				}
				reads[k]++
				n := len(got.Participants)
				if n != 0 && n != 40 {
					errs <- fmt.Errorf("%s: saw %d of 40 participants", id, n)
					return
				}
				for _, p := range got.Participants {
					if len(p.Breakdown) != 3 || len(p.Objectives) != 2 {
						errs <- fmt.Errorf("%s: participant %d half saved", id, p.Slot)
						return
					}
				}
				if (n == 40) != (got.Drill.FinalTick == 18000) || (n == 40) != (len(got.Timeline) == 4) {
					errs <- fmt.Errorf("%s: results and drill row out of step", id)
					return
				}
			}
		}()
	}
	for i := 0; i < drills; i++ {
		if err := s.SaveResults(ctx, fmt.Sprintf("d%02d", i), results(40, t0.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads[0]+reads[1]+reads[2]+reads[3] == 0 {
		t.Error("the readers read nothing")
	}
}

func TestReopenAfterClose(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new", "rescuedrill")
	ctx := context.Background()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := drill("keep", t0)
	r := results(40, t0.Add(30*time.Minute))
	if err := s.CreateDrill(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveResults(ctx, d.ID, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("a new data directory should be private to the user: %v %v", fi, err)
	}
	if fi, err := os.Stat(s.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("a new database should be private to the user: %v %v", fi, err)
	}
	s2, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Results(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w := want(d, r); !reflect.DeepEqual(got, w) {
		t.Fatalf("after reopening:\n got %+v\nwant %+v", got, w)
	}
}

func TestDeleteDrillRemovesEverything(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	ctx := context.Background()
	for _, id := range []string{"gone", "kept"} {
		if err := s.CreateDrill(ctx, drill(id, t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveResults(ctx, id, results(5, t0.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteDrill(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDrill(ctx, "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := s.Results(ctx, "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("results of a deleted drill: %v", err)
	}
	for table, n := range map[string]int{"drills": 1, "participants": 5, "results": 5, "breakdown": 15, "objectives": 10, "timeline": 4} {
		if got := count(t, s, table); got != n {
			t.Errorf("%s: %d rows, want %d (the kept drill's)", table, got, n)
		}
	}
}

// TestMigratesV1Database builds a database as version 1 of the schema left
// it, with data, and opens it with the current code.
func TestMigratesV1Database(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DBName)
	db, err := sql.Open("sqlite", path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO drills VALUES ('old', 'AB12', 'flood', 'h', 7, 20, 'ended', 1000, 2000, 3000, 24000, 'feedfacefeedface')`,
		`INSERT INTO participants VALUES ('old', 0, '小红', ''), ('old', 1, 'good-01', 'good')`,
		`INSERT INTO results VALUES ('old', 0, 75, 'safe'), ('old', 1, 100, 'safe')`,
		`INSERT INTO breakdown VALUES ('old', 0, 0, 'evacuate/reach', 'reach', 900, 15, 20, 1, 'Late.', '偏晚。')`,
		`INSERT INTO objectives VALUES ('old', 0, 0, 'evacuate', 'Evacuate', '转移', 'S', 15, 20)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := db.Exec(`SELECT 1 FROM timeline`); err == nil {
		t.Fatal("a version 1 database already has the timeline")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != CurrentVersion() || v < 2 {
		t.Fatalf("schema version %d (%v), want %d", v, err, CurrentVersion())
	}
	got, err := s.Results(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	w := &DrillResults{
		Drill: Drill{ID: "old", JoinCode: "AB12", Scenario: "flood", ScenarioHash: "h", Seed: 7, TickHz: 20, State: StateEnded,
			CreatedAt: time.Unix(0, 1000).UTC(), StartedAt: time.Unix(0, 2000).UTC(), EndedAt: time.Unix(0, 3000).UTC(),
			FinalTick: 24000, FinalHash: "feedfacefeedface"},
		Participants: []ParticipantResult{
			{Participant: Participant{Slot: 0, Name: "小红"}, Score: 75, Outcome: "safe",
				Breakdown:  []Item{{Rule: "evacuate/reach", Kind: "reach", Tick: 900, Points: 15, Max: 20, Applicable: true, ReasonEN: "Late.", ReasonZH: "偏晚。"}},
				Objectives: []Objective{{ID: "evacuate", TitleEN: "Evacuate", TitleZH: "转移", Rating: "S", Points: 15, Max: 20}}},
			{Participant: Participant{Slot: 1, Name: "good-01", Policy: "good"}, Score: 100, Outcome: "safe"},
		},
	}
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("migrated data:\n got %+v\nwant %+v", got, w)
	}
	// The new table works on the migrated database.
	r := results(2, time.Time{})
	if err := s.SaveResults(ctx, "old", r); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Results(ctx, "old"); err != nil || len(got.Timeline) != len(r.Timeline) {
		t.Fatalf("timeline after migration: %v", err)
	}
}

func TestRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO schema_version VALUES (?, 'from_the_future')`, CurrentVersion()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenDir(dir); !errors.Is(err, ErrNewer) {
		t.Fatalf("opening a newer database: %v, want ErrNewer", err)
	}
}

// TestSchemaStoresOnlyDisplayNames reads the schema and holds every column
// to a reviewed list. About people the database keeps display names and
// nothing else: no e-mail, no IP, no token, no device. A new column fails
// this test until it is added here, after asking whether it tells anything
// about a person.
func TestSchemaStoresOnlyDisplayNames(t *testing.T) {
	t.Parallel()
	s, _ := open(t)
	reviewed := map[string]string{
		"schema_version": "version name",
		"drills":         "id join_code scenario scenario_hash seed tick_hz state created_ns started_ns ended_ns final_tick final_hash end_reason",
		// name is the only thing about a person in the whole database.
		"participants": "drill_id slot name policy",
		"results":      "drill_id slot score outcome finished",
		"breakdown":    "drill_id slot seq rule kind tick points max_points applicable reason_en reason_zh",
		"objectives":   "drill_id slot seq objective title_en title_zh rating points max_points",
		"timeline":     "drill_id seq tick kind who npc ref level value",
	}
	forbidden := []string{"email", "mail", "ip", "addr", "address", "host", "phone", "token", "password", "secret",
		"birth", "birthday", "age", "gender", "sex", "school", "class", "grade", "device", "agent", "lat", "lon",
		"location", "geo", "real", "full", "surname", "given", "avatar", "photo", "face", "id_card", "account", "user"}
	rows, err := s.r.Query(`SELECT m.name, p.name, p.type FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string][]string{}
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		got[table] = append(got[table], col)
		for _, part := range strings.Split(col, "_") {
			for _, f := range forbidden {
				if part == f || col == f {
					t.Errorf("%s.%s looks like it stores something about a person (%q)", table, col, f)
				}
			}
		}
		if typ == "BLOB" || typ == "ANY" {
			t.Errorf("%s.%s is %s: opaque columns could hold anything", table, col, typ)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for table, cols := range got {
		w, ok := reviewed[table]
		if !ok {
			t.Errorf("table %s (%s) is not reviewed", table, strings.Join(cols, " "))
			continue
		}
		if g := strings.Join(cols, " "); g != w {
			t.Errorf("table %s has columns\n  %s\nreviewed:\n  %s", table, g, w)
		}
	}
	for table := range reviewed {
		if _, ok := got[table]; !ok {
			t.Errorf("reviewed table %s is missing", table)
		}
	}
}

func TestFromEngineAndTimeline(t *testing.T) {
	t.Parallel()
	rs := []engine.Result{{ID: 3, Name: "李雷", Policy: "", Score: 80, Outcome: "safe",
		Breakdown:  []engine.Item{{Rule: "o/t", Kind: "answer", Tick: 5, Points: 8, Max: 10, Applicable: true, ReasonEN: "en", ReasonZH: "中"}},
		Objectives: []engine.ObjectiveResult{{ID: "o", Title: engine.Text{ZH: "目标", EN: "Goal"}, Rating: "S", Points: 8, Max: 10}}}}
	w := []ParticipantResult{{Participant: Participant{Slot: 3, Name: "李雷"}, Score: 80, Outcome: "safe",
		Breakdown:  []Item{{Rule: "o/t", Kind: "answer", Tick: 5, Points: 8, Max: 10, Applicable: true, ReasonEN: "en", ReasonZH: "中"}},
		Objectives: []Objective{{ID: "o", TitleEN: "Goal", TitleZH: "目标", Rating: "S", Points: 8, Max: 10}}}}
	if got := FromEngine(rs); !reflect.DeepEqual(got, w) {
		t.Errorf("FromEngine:\n got %+v\nwant %+v", got, w)
	}
	var tl Timeline
	tl.Observe(7, []engine.Event{
		{Tick: 0, Kind: engine.EvJoined, Who: 2, Ref: "李雷", Level: "good"},
		{Tick: 7, Kind: engine.EvWarning, Who: -1, Ref: "flood", Level: "red"},
		{Tick: 7, Kind: engine.EvEnteredPlace, Who: 2, Ref: "school"},
		{Tick: 7, Kind: engine.EvTaskDone, Who: 2, Ref: "o/t", Value: 10},
		{Tick: 7, Kind: engine.EvSwept, Who: 2, X: 10, Y: 20},
		{Tick: 7, Kind: engine.EvCollapsed, Who: -1, NPC: "crowd#3"},
	})
	wt := []Event{{Tick: 0, Kind: "joined", Who: 2, Level: "good"}, {Tick: 7, Kind: "warning", Who: -1, Ref: "flood", Level: "red"}, {Tick: 7, Kind: "swept", Who: 2},
		{Tick: 7, Kind: "collapsed", Who: -1, NPC: "crowd#3"}}
	if !reflect.DeepEqual(tl.Events, wt) {
		t.Errorf("timeline:\n got %+v\nwant %+v", tl.Events, wt)
	}
}

func TestOpenRefusesURIsAndQueries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, p := range []string{"", filepath.Join(dir, "a.db?mode=ro"), filepath.Join(dir, "b#.db")} {
		if s, err := Open(p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/srv/data")
	if d, err := DefaultDataDir(); err != nil || d != filepath.Join("/srv/data", "rescuedrill") {
		t.Errorf("with XDG_DATA_HOME: %q %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative/is/ignored")
	d, err := DefaultDataDir()
	if err != nil || filepath.Base(d) != "rescuedrill" || !filepath.IsAbs(d) {
		t.Errorf("default: %q %v", d, err)
	}
}

// TestScenarioHash: a scenario on a built-in map is named by its YAML
// alone (the hash every drill recorded before maps could be uploaded);
// one on the trainer's own map by its YAML and every grid, so a changed
// grid, a renamed one or a byte moved from a name into a file is another
// scenario, whatever order the files come in.
func TestScenarioHash(t *testing.T) {
	t.Parallel()
	src := []byte("id: riverside\n")
	grids := map[string][]byte{"a.elev.asc": []byte("ncols 2\n"), "a.landuse.asc": []byte("ncols 2\n1 1\n")}
	base := ScenarioHash(src, grids)
	if got := ScenarioHash(src, nil); got != SourceHash(src) {
		t.Fatalf("no files: %s, want the source hash %s", got, SourceHash(src))
	}
	if base == SourceHash(src) || len(base) != 64 {
		t.Fatalf("with grids: %s", base)
	}
	again := map[string][]byte{"a.landuse.asc": grids["a.landuse.asc"], "a.elev.asc": grids["a.elev.asc"]}
	if got := ScenarioHash(src, again); got != base {
		t.Fatalf("same files, same hash: %s vs %s", got, base)
	}
	for name, files := range map[string]map[string][]byte{
		"a grid changed":     {"a.elev.asc": []byte("ncols 3\n"), "a.landuse.asc": grids["a.landuse.asc"]},
		"a grid renamed":     {"b.elev.asc": grids["a.elev.asc"], "a.landuse.asc": grids["a.landuse.asc"]},
		"a byte moved":       {"a.elev.ascn": []byte("cols 2\n"), "a.landuse.asc": grids["a.landuse.asc"]},
		"a grid left out":    {"a.elev.asc": grids["a.elev.asc"]},
		"an empty grid more": {"a.elev.asc": grids["a.elev.asc"], "a.landuse.asc": grids["a.landuse.asc"], "c.asc": nil},
	} {
		if got := ScenarioHash(src, files); got == base {
			t.Errorf("%s: same hash %s", name, got)
		}
	}
	if got := ScenarioHash([]byte("id: riverside2\n"), grids); got == base {
		t.Errorf("another YAML over the same grids: same hash")
	}
}
