// Package server runs many drills at once for many participants: a
// registry of live drills with their join codes and facilitator tokens, the
// sessions that speak the wire protocol to clients, and the recovery of
// running drills from their journals after a crash.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/replay"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/journal"
	"github.com/rescuedrill/rescuedrill/server/store"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// Errors callers map to protocol error codes.
var (
	ErrNoSuchDrill    = errors.New("server: no drill has that join code")
	ErrRateLimited    = errors.New("server: too many join attempts; wait a little")
	ErrNotFacilitator = errors.New("server: facilitator token required")
	ErrScenario       = errors.New("server: scenario problem")
)

// Entry is one drill in the registry.
type Entry struct {
	ID       string
	Code     string // short join code participants type
	Scenario string
	Source   []byte
	// ScenarioHash is store.ScenarioHash of Source and the map files it
	// came with (none on a built-in map), what the results record.
	ScenarioHash string
	Seed         uint64
	Setup        engine.Setup
	Created      time.Time
	Drill        *drill.Drill

	facilitator string
	cancel      context.CancelFunc

	keys   *keyFile // the join code, facilitator and participant tokens, fsynced (keys.go)
	tokMu  sync.Mutex
	tokens map[string]int32 // participant token → slot, restored after a restart

	choices     choiceLedger   // participants' choices by seq, across reconnects
	capturer    *wire.Capturer // made on first use, on the drill goroutine
	terrainOnce sync.Once
	terrain     []byte // the Terrain frame, built once per drill
	terrainHash uint64
	xr          xrPoses     // headsets' head and hand poses for the snapshots (xrposes.go)
	riskWanted  atomic.Bool // a spectator or facilitator asked for the risk layer: capture it
	// sendsTick is Registry.SnapshotTicks when the drill was made.
	sendsTick func(tick uint64, tickHz int) bool
}

// frameSnapshot is the capture of a tick's frame (drill.Config.Capture):
// none for a running drill's tick whose snapshot no client gets (with a
// snapshot cap or shedding, most of them), since capturing — quantising
// the whole depth field — is a large part of a drill goroutine's tick.
// A change of state is always captured: it tells clients of a pause.
func (e *Entry) frameSnapshot(w *engine.World, s drill.State) any {
	if s == drill.Running && e.sendsTick != nil && !e.sendsTick(w.Tick(), w.TickHz()) {
		return nil
	}
	return e.capture(w, s)
}

// capture quantises the world for clients; it runs on the drill
// goroutine (drill.Config.Capture and drill.View), so the capturer's tile
// cache is shared by every session without locks.
func (e *Entry) capture(w *engine.World, s drill.State) any {
	if e.capturer == nil {
		e.capturer = wire.NewCapturer(w)
	}
	e.capturer.Risk = e.riskWanted.Load()
	st := e.capturer.Capture(w, phaseOf(s))
	st.XR = e.xr.snapshot()
	return st
}

// terrainFrame is the Terrain message for this drill's map, framed.
func (e *Entry) terrainFrame() []byte {
	e.terrainOnce.Do(func() {
		t := wire.TerrainOf(e.Setup.Map)
		e.terrain = wire.AppendFrame(nil, t)
		e.terrainHash = t.Hash
	})
	return e.terrain
}

// IsFacilitator checks a facilitator token in constant time.
func (e *Entry) IsFacilitator(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(e.facilitator)) == 1
}

// Registry holds the live drills.
type Registry struct {
	dir   string // journals
	clock drill.Clock
	log   *slog.Logger
	lim   *limiter

	// OnDrill, when set (before any drill is created or recovered), is
	// called with every new or recovered drill once its goroutine runs and
	// before Create or Recover returns it: the results recorder subscribes
	// there, so it sees the drill from its first tick.
	OnDrill func(e *Entry, recovered bool)
	// OnTick, when set before drills are made, is every drill's
	// drill.Config.OnTick (the tick-duration histogram).
	OnTick func(took time.Duration)
	// MaxCatchUp, when set before drills are made, is every drill's
	// drill.Config.MaxCatchUp: with the wall clock, a drill that fell
	// behind steps the ticks it owes (drill serve sets it at speed 1).
	MaxCatchUp int
	// SnapshotTicks, when set before drills are made, says whether any
	// client gets the snapshot of a tick (Server.SnapshotTick): frames of
	// the other ticks go without one.
	SnapshotTicks func(tick uint64, tickHz int) bool

	mu     sync.Mutex
	byID   map[string]*Entry
	byCode map[string]*Entry
	wg     sync.WaitGroup
}

// NewRegistry keeps journals under dataDir/journals.
func NewRegistry(dataDir string, clock drill.Clock, log *slog.Logger) (*Registry, error) {
	dir := filepath.Join(dataDir, "journals")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Registry{dir: dir, clock: clock, log: log, lim: newLimiter(clock, wire.BadJoinsPerWindow, wire.BadJoinWindow),
		byID: map[string]*Entry{}, byCode: map[string]*Entry{}}, nil
}

// CreateRequest asks for a new drill: a built-in scenario by name, or an
// uploaded scenario's YAML named Scenario (a file name, like my-town.yaml),
// on a built-in map or with the grid files its map: names in Files, by
// their paths relative to the scenario (kept under DATA/scenarios/ID,
// uploads.go).
type CreateRequest struct {
	Scenario string
	Source   []byte
	Files    map[string][]byte
	Seed     uint64
}

// Create starts a drill in the lobby and returns it with the facilitator
// token that controls it.
func (r *Registry) Create(ctx context.Context, req CreateRequest) (_ *Entry, _ string, err error) {
	name, src, setup, err := loadScenario(req)
	if err != nil {
		return nil, "", err
	}
	id, code, fac := newID(), "", newSecret()
	if len(req.Files) > 0 {
		// The map is durable before the journal that needs it (uploads.go).
		if err := r.storeUpload(id, name, src, req.Files); err != nil {
			return nil, "", err
		}
		defer func() {
			if err != nil {
				_ = os.RemoveAll(r.uploadDir(id))
			}
		}()
	}
	hdr := replay.Header{Scenario: name, Source: src, Seed: req.Seed, TickHz: setup.Scenario.Hz(), EngineVersion: engine.Version}
	j, err := journal.Create(r.dir, id, hdr)
	if err != nil {
		return nil, "", err
	}
	e := &Entry{ID: id, Scenario: name, Source: src, ScenarioHash: store.ScenarioHash(src, req.Files), Seed: req.Seed,
		Setup: setup, Created: r.clock.Now(), facilitator: fac, sendsTick: r.SnapshotTicks}
	d, err := drill.New(drill.Config{ID: id, Setup: setup, Seed: req.Seed, Journal: j, Clock: r.clock, Capture: e.frameSnapshot, OnTick: r.OnTick, MaxCatchUp: r.MaxCatchUp})
	if err != nil {
		j.Close()
		return nil, "", err
	}
	e.Drill = d
	e.terrainFrame()
	r.mu.Lock()
	for code == "" || r.byCode[code] != nil {
		code = newCode()
	}
	e.Code = code
	r.byCode[code] = e // reserved while the key file is written
	r.mu.Unlock()
	// The code and token are durable before anyone is told them.
	if e.keys, err = createKeys(r.dir, id, keysHead{Code: code, Facilitator: fac}); err != nil {
		r.mu.Lock()
		delete(r.byCode, code)
		r.mu.Unlock()
		j.Close()
		_ = os.Remove(r.JournalPath(id)) // nothing was handed out: no drill to recover
		return nil, "", err
	}
	r.mu.Lock()
	r.byID[id] = e
	r.mu.Unlock()
	r.run(e, j)
	if r.OnDrill != nil {
		r.OnDrill(e, false)
	}
	r.log.Info("drill created", "drill", id, "code", code, "scenario", name)
	return e, fac, nil
}

// run starts the drill's goroutine; when it returns the journal is closed
// and the drill stays listed (its results can be read) until Close.
func (r *Registry) run(e *Entry, j *journal.Journal) {
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		err := e.Drill.Run(ctx)
		if cerr := j.Close(); err == nil && e.Drill.State() == drill.Ended {
			err = cerr
		}
		if e.keys != nil {
			if e.Drill.State() == drill.Ended && err == nil {
				// Tokens are useless once the drill is over; the names stay in
				// the journal and the results only.
				if rerr := e.keys.remove(); rerr != nil {
					r.log.Warn("drill's key file not removed", "drill", e.ID, "err", rerr)
				}
			} else {
				e.keys.close() // kept for the next start's recovery
			}
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			r.log.Error("drill stopped", "drill", e.ID, "err", err)
			return
		}
		r.log.Info("drill finished", "drill", e.ID, "state", e.Drill.State().String())
	}()
}

// ByCode finds a drill by join code. Attempts are rate-limited per client
// key (the remote address, never stored) so codes cannot be guessed.
func (r *Registry) ByCode(code, client string) (*Entry, error) {
	if !r.lim.allow(client) {
		return nil, ErrRateLimited
	}
	r.mu.Lock()
	e := r.byCode[normaliseCode(code)]
	r.mu.Unlock()
	if e == nil {
		r.lim.fail(client)
		return nil, ErrNoSuchDrill
	}
	return e, nil
}

// ByID finds a drill by its ID.
func (r *Registry) ByID(id string) *Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// List returns the drills, newest first.
func (r *Registry) List() []*Entry {
	r.mu.Lock()
	out := make([]*Entry, 0, len(r.byID))
	for _, e := range r.byID {
		out = append(out, e)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created.After(out[j].Created) || (out[i].Created.Equal(out[j].Created) && out[i].ID < out[j].ID)
	})
	return out
}

// Recover rebuilds every drill whose journal has no end record: the world
// is re-simulated to its last journalled tick and waits paused for the
// facilitator to resume it. The join code, the facilitator token and the
// participants' tokens come back from the drill's key file, so everyone
// rejoins with what they were given; a join that was acknowledged (its
// token fsynced) but not yet journalled is queued again for the next tick.
// A drill without a key file (it died before anything was handed out) gets
// a new code and facilitator token.
func (r *Registry) Recover(ctx context.Context) ([]*Entry, error) {
	r.cleanUploads()
	recs, err := journal.Recover(r.dir)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, rec := range recs {
		r.log.Info("journal recovery", "drill", rec.DrillID, "note", rec.Note)
		if rec.Err != nil {
			r.log.Error("journal unrecoverable", "drill", rec.DrillID, "err", rec.Err)
			continue
		}
		name, src, setup, hash, err := r.recoverScenario(rec.DrillID, rec.Log.Header)
		if err != nil {
			rec.Journal.Close()
			r.log.Error("recovered drill's scenario does not load", "drill", rec.DrillID, "err", err)
			continue
		}
		w, err := journal.Rebuild(setup, rec.Log)
		if err != nil {
			rec.Journal.Close()
			r.log.Error("recovered drill does not replay", "drill", rec.DrillID, "err", err)
			continue
		}
		keys, head, parts, err := openKeys(r.dir, rec.DrillID)
		if err != nil {
			r.log.Warn("recovered drill has no usable key file: new join code and tokens", "drill", rec.DrillID, "err", err)
			head, parts = keysHead{}, nil
		}
		e := &Entry{ID: rec.DrillID, Scenario: name, Source: src, ScenarioHash: hash, Seed: rec.Log.Header.Seed, Setup: setup, Created: r.clock.Now(),
			facilitator: head.Facilitator, keys: keys, tokens: map[string]int32{}, sendsTick: r.SnapshotTicks}
		if e.facilitator == "" {
			e.facilitator = newSecret()
		}
		applied := rec.Log.Inputs
		for len(applied) > 0 && applied[len(applied)-1].Tick >= w.Tick() {
			applied = applied[:len(applied)-1]
		}
		people := int32(len(w.People()))
		d, err := drill.New(drill.Config{ID: rec.DrillID, Setup: setup, Seed: rec.Log.Header.Seed, World: w, Applied: applied,
			Journal: rec.Journal, Clock: r.clock, Capture: e.frameSnapshot, OnTick: r.OnTick, MaxCatchUp: r.MaxCatchUp})
		if err != nil {
			rec.Journal.Close()
			if keys != nil {
				keys.close()
			}
			return out, err
		}
		e.Drill = d
		e.terrainFrame()
		r.mu.Lock()
		e.Code = head.Code
		if e.Code != "" && r.byCode[e.Code] != nil {
			r.log.Error("recovered drill's join code is taken: a new one", "drill", e.ID)
			e.Code = ""
		}
		for e.Code == "" || r.byCode[e.Code] != nil {
			e.Code = newCode()
		}
		r.byID[e.ID], r.byCode[e.Code] = e, e
		r.mu.Unlock()
		r.run(e, rec.Journal)
		if err := r.restoreParticipants(ctx, e, parts, people); err != nil {
			r.log.Error("recovered drill's participants not all restored", "drill", e.ID, "err", err)
		}
		if r.OnDrill != nil {
			r.OnDrill(e, true)
		}
		out = append(out, e)
	}
	return out, nil
}

// restoreParticipants maps every token in the key file to its slot. A
// participant whose slot the rebuilt world does not have was welcomed but
// its join never reached the journal: it joins again (in slot order, so it
// gets the slot it was told) at the drill's next tick.
func (r *Registry) restoreParticipants(ctx context.Context, e *Entry, parts []keysPart, people int32) error {
	last := map[string]int{} // a token's last line wins (a join replayed into another slot)
	for i, p := range parts {
		last[p.Token] = i
	}
	var uniq []keysPart
	for i, p := range parts {
		if last[p.Token] == i {
			uniq = append(uniq, p)
		}
	}
	sort.SliceStable(uniq, func(i, j int) bool { return uniq[i].Slot < uniq[j].Slot })
	var errs []error
	for _, p := range uniq {
		if p.Slot >= 0 && p.Slot < people {
			e.tokMu.Lock()
			e.tokens[p.Token] = p.Slot
			e.tokMu.Unlock()
			continue
		}
		slot, _, err := e.Drill.Join(ctx, p.Name, "")
		if err != nil {
			errs = append(errs, fmt.Errorf("slot %d: %w", p.Slot, err))
			continue
		}
		if slot != p.Slot {
			r.log.Warn("recovered participant joins again in another slot", "drill", e.ID, "slot", p.Slot, "now", slot)
			if e.keys != nil {
				if err := e.keys.addParticipant(keysPart{Slot: slot, Token: p.Token, Name: p.Name}); err != nil {
					errs = append(errs, err)
				}
			}
		}
		e.tokMu.Lock()
		e.tokens[p.Token] = slot
		e.tokMu.Unlock()
	}
	return errors.Join(errs...)
}

// JournalPath is where a drill's journal (its replay file once it has
// ended) is kept.
func (r *Registry) JournalPath(id string) string { return filepath.Join(r.dir, id+journal.Ext) }

// FacilitatorToken returns the drill's facilitator token (a recovered
// drill's is the one it was created with, unless its key file was lost),
// for the operator's console (printed by `drill serve` at start-up).
func (e *Entry) FacilitatorToken() string { return e.facilitator }

// Close stops every drill (their journals stay for recovery or replay).
func (r *Registry) Close() {
	r.mu.Lock()
	for _, e := range r.byID {
		e.cancel()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// loadScenario resolves a create request to a scenario and its map.
func loadScenario(req CreateRequest) (string, []byte, engine.Setup, error) {
	if len(req.Source) == 0 {
		l, err := scenarios.Builtin(req.Scenario)
		if err != nil {
			return "", nil, engine.Setup{}, fmt.Errorf("%w: %v", ErrScenario, err)
		}
		return req.Scenario, l.Src, engine.Setup{Scenario: l.Scenario, Map: l.Map}, nil
	}
	name := req.Scenario
	if name == "" {
		name = "uploaded.yaml"
	}
	if l, err := scenarios.Builtin(name); err == nil && string(l.Src) == string(req.Source) && len(req.Files) == 0 {
		return name, l.Src, engine.Setup{Scenario: l.Scenario, Map: l.Map}, nil
	}
	if len(req.Files) > 0 || scenarios.CheckUploadName(name) == "" {
		req.Scenario = name
		return loadUpload(req) // says which map file is missing or refused
	}
	l, err := scenarios.LoadSource(name, req.Source)
	if err != nil {
		return "", nil, engine.Setup{}, fmt.Errorf("%w: %v", ErrScenario, err)
	}
	return name, req.Source, engine.Setup{Scenario: l.Scenario, Map: l.Map}, nil
}

// Join codes use letters and digits that cannot be mistaken for each
// other when a teacher reads them out or writes them on a board.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLen is the join code length: 31⁶ ≈ 8.9·10⁸ codes, with attempts
// limited per client, so guessing one is hopeless.
const CodeLen = 6

func newCode() string {
	b := make([]byte, CodeLen)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b)
}

func normaliseCode(s string) string {
	b := []byte(s)
	out := b[:0]
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c == ' ' || c == '-':
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

func newSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("d%x", b)
}
