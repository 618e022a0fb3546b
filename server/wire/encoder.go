package wire

import (
	"errors"
	"math"
	"sort"
)

// EncoderConfig tunes a SnapshotEncoder. Zero fields take the defaults.
type EncoderConfig struct {
	History         int    // snapshots remembered for baselines and acks (default 32)
	WaterThreshold  uint16 // cm a water cell must change by before its tile is resent (default 2)
	DebrisThreshold uint16 // the same for debris (default 2)
	RiskThreshold   uint16 // the same for the risk layer, in risk units (default 2 = 0.02 of FS)
	// XRSelf is the participant slot + 1 whose own XR pose is left out of
	// the XR section (it knows where its head is); 0 for none.
	XRSelf int
	// XRBudget caps the XR section's changes per snapshot, in bytes
	// (default 96: at most 15 kbit/s at 20 snapshots/s however many
	// headsets turn at once; negative: no cap).
	XRBudget     int
	StreamBudget int // bytes of a snapshot sent on the stream fallback (default 16 KiB)
	// Target is the average snapshot size the encoder aims for: tiles get
	// what the header and entities leave of it (at least TileFloor) through
	// a token bucket holding up to 8 × Target, so a spreading flood stays
	// within the downstream budget. Default 400 B (64 kbit/s at 20
	// snapshots/s); negative for no limit.
	Target    int
	TileFloor int // tile bytes per snapshot granted however busy the entities are (default 48)
}

// DefaultHistory is how many snapshots an encoder and a decoder keep.
const DefaultHistory = 32

func (c EncoderConfig) withDefaults() EncoderConfig {
	if c.History <= 0 {
		c.History = DefaultHistory
	}
	if c.WaterThreshold == 0 {
		c.WaterThreshold = 2
	}
	if c.DebrisThreshold == 0 {
		c.DebrisThreshold = 2
	}
	if c.RiskThreshold == 0 {
		c.RiskThreshold = 2
	}
	if c.XRBudget == 0 {
		c.XRBudget = 96
	}
	if c.StreamBudget <= 0 {
		c.StreamBudget = 16 << 10
	}
	if c.Target == 0 {
		c.Target = 400
	}
	if c.TileFloor <= 0 {
		c.TileFloor = 48
	}
	return c
}

// record is what the encoder remembers of one snapshot it sent.
type record struct {
	id    uint32
	acked bool
	tick  uint64
	glob  Globals
	parts []Entity
	npcs  []Entity
	xr    []XREntity // what the client holds after this snapshot (dead bands applied)
}

// tileRef is the encoder's belief about one tile at the client. conf is
// the newest acknowledged version (confID; 0 = never sent, all zeros);
// pend are sends not yet resolved, oldest first; sent lists every send
// after confID, lost or not, since each may sit in the decoder's tile
// history. unknown: a send was lost, so the tile is sent again whatever
// its value.
type tileRef struct {
	conf    *Tile
	confID  uint32
	pend    []sendRec
	sent    []uint32
	unknown bool
	waiting int // snapshots this tile has been a candidate without being sent
}

type sendRec struct {
	id   uint32
	tile *Tile
}

// ref is the value the client has or will have once pending sends land.
func (t *tileRef) ref() *Tile {
	if len(t.pend) > 0 {
		return t.pend[len(t.pend)-1].tile
	}
	return t.conf
}

// SnapshotEncoder builds one client's snapshots: entities and globals as
// deltas against the newest snapshot the client acknowledged, tiles of the
// water and debris fields where they differ from what the client holds.
// It is pure: no I/O, no clock; the caller feeds it states and acks.
type SnapshotEncoder struct {
	cfg    EncoderConfig
	grid   Grid
	layers uint8
	next   uint32   // next snapshot ID
	hist   []record // ring indexed by id % History
	acked  uint32   // newest acknowledged snapshot (entity baseline)
	refs   [numLayers][]tileRef
	cands  []candidate
	ups    []tileUpdate
	buf    []byte
	tokens int                           // tile bytes the bucket allows now
	xr     bool                          // send the XR section (SendXR)
	aim    bool                          // with the hands' aim (SendAim)
	onSend func(id uint32, u tileUpdate) // tests
}

// NewSnapshotEncoder returns an encoder for a drill on grid g with the
// given tile layers (LayerWater | LayerDebris | LayerRisk).
func NewSnapshotEncoder(g Grid, layers uint8, cfg EncoderConfig) *SnapshotEncoder {
	cfg = cfg.withDefaults()
	e := &SnapshotEncoder{cfg: cfg, grid: g, layers: layers, next: 1, hist: make([]record, cfg.History)}
	for l := 0; l < numLayers; l++ {
		if layers&(1<<l) != 0 {
			e.refs[l] = make([]tileRef, g.NumTiles())
		}
	}
	return e
}

func (e *SnapshotEncoder) rec(id uint32) *record {
	if id == 0 {
		return nil
	}
	r := &e.hist[int(id%uint32(len(e.hist)))]
	if r.id != id {
		return nil
	}
	return r
}

// ErrBadAck is returned by Ack for an acknowledgement of a snapshot that
// was never sent: the client is broken or hostile.
var ErrBadAck = errf(CodeBadValue, "ack of a snapshot never sent")

// Ack records a client's acknowledgement (Pose.Ack, Pose.AckBits). Acks of
// snapshots older than the history are ignored.
func (e *SnapshotEncoder) Ack(ack, bits uint32) error {
	if ack == 0 {
		return nil
	}
	if ack >= e.next {
		return ErrBadAck
	}
	mark := func(id uint32) {
		if r := e.rec(id); r != nil {
			r.acked = true
		}
	}
	mark(ack)
	for i := uint32(0); i < 32 && ack > i+1; i++ {
		if bits&(1<<i) != 0 {
			mark(ack - 1 - i)
		}
	}
	if ack > e.acked && e.rec(ack) != nil {
		e.acked = ack
	}
	return nil
}

// Baseline is the snapshot the next one will be a delta against (0: none).
func (e *SnapshotEncoder) Baseline() uint32 {
	if e.rec(e.acked) == nil {
		return 0
	}
	return e.acked
}

// Next is the ID the next snapshot will have.
func (e *SnapshotEncoder) Next() uint32 { return e.next }

// resolve updates the tile beliefs from the acks. A send is confirmed when
// acknowledged and lost when a newer snapshot was acknowledged without it
// (the decoder drops snapshots older than its newest, so it never lands)
// or it left the history.
func (e *SnapshotEncoder) resolve() {
	oldest := uint32(0)
	if e.next > uint32(len(e.hist)) {
		oldest = e.next - uint32(len(e.hist))
	}
	for l := range e.refs {
		for i := range e.refs[l] {
			t := &e.refs[l][i]
			if len(t.pend) == 0 {
				continue
			}
			keep := t.pend[:0]
			for _, s := range t.pend {
				r := e.rec(s.id)
				switch {
				case r != nil && r.acked:
					if s.id > t.confID {
						t.conf, t.confID = s.tile, s.id
					}
				case s.id < e.acked || s.id < oldest || r == nil:
					t.unknown = true
				default:
					keep = append(keep, s)
				}
			}
			t.pend = keep
			k := 0
			for _, id := range t.sent {
				if id > t.confID {
					t.sent[k] = id
					k++
				}
			}
			t.sent = t.sent[:k]
		}
	}
}

// ErrBudget means the budget is too small for a snapshot's header.
var ErrBudget = errors.New("wire: snapshot budget below MinBudget")

// Full encodes a snapshot of s with baseline 0 and every non-zero tile,
// for the Welcome, and treats it as acknowledged: the reliable stream
// delivers it. It starts a connection's sequence (call it first).
func (e *SnapshotEncoder) Full(s *State) []byte {
	b, _ := e.encode(s, math.MaxInt, true)
	return b
}

// Encode builds the next snapshot of s against the client's newest
// acknowledged snapshot within budget bytes (the datagram size the
// connection allows, ≥ MinBudget). The rule (docs/protocol.md §5.7):
// entities and globals are never split; if they alone exceed the budget
// the snapshot goes on the reliable stream instead (stream == true) with
// up to StreamBudget bytes. Tiles are added by priority while they fit;
// the rest stay pending for the next snapshots.
func (e *SnapshotEncoder) Encode(s *State, budget int) (payload []byte, stream bool, err error) {
	if budget < MinBudget {
		return nil, false, ErrBudget
	}
	payload, stream = e.encode(s, budget, false)
	return payload, stream, nil
}

func (e *SnapshotEncoder) encode(s *State, budget int, full bool) ([]byte, bool) {
	e.resolve()
	id := e.next
	e.next++
	base := e.rec(e.Baseline())
	if full {
		base = nil
	}
	var bid uint32
	var bg Globals
	var bp, bn []Entity
	var bx []XREntity
	if base != nil {
		bid, bg, bp, bn, bx = base.id, base.glob, base.parts, base.npcs, base.xr
	}
	b := make([]byte, 0, 256)
	b = append(b, byte(TypeSnapshot))
	b = putUvarint(b, uint64(id))
	b = putUvarint(b, uint64(bid))
	b = putUvarint(b, s.Tick)
	secPos := len(b)
	b = append(b, 0)
	var sec uint8
	if s.Globals != bg || base == nil {
		sec |= secGlobals
		b = append(b, uint8(s.Globals.Phase))
		b = append(b, s.Globals.Warnings[:]...)
	}
	var ok bool
	if b, ok = appendEntities(b, bp, s.Participants); ok {
		sec |= secParticipants
	}
	if b, ok = appendEntities(b, bn, s.NPCs); ok {
		sec |= secNPCs
	}
	var held []XREntity
	if e.xr {
		if b, held, ok = appendXR(b, bx, s.XR, e.cfg.XRSelf, e.xrBudget(len(b), full), int(id), e.aim); ok {
			sec |= secXR
		}
	}
	stream := false
	if len(b) > budget {
		stream, budget = true, max(e.cfg.StreamBudget, len(b))
	}
	room := budget - len(b)
	if e.cfg.Target > 0 && !full {
		e.tokens = min(e.tokens+max(e.cfg.TileFloor, e.cfg.Target-len(b)), 8*e.cfg.Target)
		room = min(room, e.tokens)
	}
	fields := [numLayers]*Field{s.Water, s.Debris, s.Risk}
	for l := 0; l < numLayers; l++ {
		f := fields[l]
		if e.refs[l] == nil || f == nil || f.Grid != e.grid {
			continue
		}
		ups := e.pickTiles(l, f, id, room, full)
		if len(ups) == 0 {
			continue
		}
		before := len(b)
		sec |= secWater << l
		b = appendTiles(b, e.grid, id, ups)
		room -= len(b) - before
		if e.cfg.Target > 0 && !full {
			e.tokens -= len(b) - before
		}
		for _, u := range ups {
			t := &e.refs[l][u.index]
			t.unknown, t.waiting = false, 0
			if full {
				t.conf, t.confID = u.tile, id
				continue
			}
			t.pend = append(t.pend, sendRec{id: id, tile: u.tile})
			t.sent = append(t.sent, id)
			if e.onSend != nil {
				e.onSend(id, u)
			}
		}
		if full && e.onSend != nil {
			for _, u := range ups {
				e.onSend(id, u)
			}
		}
	}
	b[secPos] = sec
	r := &e.hist[int(id%uint32(len(e.hist)))]
	*r = record{id: id, acked: full, tick: s.Tick, glob: s.Globals,
		parts: append([]Entity(nil), s.Participants...), npcs: append([]Entity(nil), s.NPCs...), xr: held}
	if full {
		e.acked = id
	}
	return b, stream
}

type candidate struct {
	priority int
	u        tileUpdate
}

// pickTiles chooses the tiles of layer l to send in snapshot id within
// room bytes, in index order, each in its smaller mode. A tile is a
// candidate when its client value is unknown, or a cell differs from what
// the client has (or will have) by the threshold or more, or a cell turned
// wet or dry. Priority: unknown first, then the largest change.
func (e *SnapshotEncoder) pickTiles(l int, f *Field, id uint32, room int, full bool) []tileUpdate {
	thr := int([numLayers]uint16{e.cfg.WaterThreshold, e.cfg.DebrisThreshold, e.cfg.RiskThreshold}[l])
	e.cands = e.cands[:0]
	for i, cur := range f.Tiles {
		ref := &e.refs[l][i]
		if !ref.unknown && cur == ref.ref() {
			continue
		}
		pri := 1 << 40 // a tile the client does not have at all comes first
		if !ref.unknown {
			pri = f.change(i, ref.ref(), thr)
		}
		if pri == 0 {
			ref.waiting = 0
			continue
		}
		ref.waiting++
		pri *= ref.waiting // ageing: nothing waits for ever
		e.cands = append(e.cands, candidate{priority: pri, u: tileUpdate{layer: l, index: i, tile: cur}})
	}
	if len(e.cands) == 0 {
		return nil
	}
	sort.Slice(e.cands, func(a, b int) bool {
		if e.cands[a].priority != e.cands[b].priority {
			return e.cands[a].priority > e.cands[b].priority
		}
		return e.cands[a].u.index < e.cands[b].u.index
	})
	used := 3 // tile count uvarint
	e.ups = e.ups[:0]
	for _, c := range e.cands {
		u := c.u
		ref := &e.refs[l][u.index]
		u.mode = tileSpatial
		var cost int
		if u.tile == nil {
			u.mode, cost = tileZero, 1
		} else {
			cost = f.spatialCost(u.index, e.grid, &e.buf)
		}
		if u.mode == tileSpatial && !full && ref.confID != 0 && len(ref.sent) < TileHistory {
			t := u
			t.mode, t.base, t.baseID = tileTemporal, ref.conf, ref.confID
			if c := f.temporalCost(u.index, e.grid, t.base, id, t.baseID, &e.buf); c < cost {
				u, cost = t, c
			}
		}
		cost += 2 // index gap (≤ 2 bytes)
		if used+cost > room {
			continue
		}
		used += cost
		e.ups = append(e.ups, u)
	}
	sort.Slice(e.ups, func(a, b int) bool { return e.ups[a].index < e.ups[b].index })
	return e.ups
}

// tileChange returns 0 if no cell of cur differs from ref by its
// threshold, max(thr, ref/64) (1.6 % of the depth: 2 cm in shallow water,
// 28 cm at 18 m, where nobody stands), and no cell turned wet or dry; else
// a priority: the largest change over its threshold, in units of
// thresholds ×16, plus 2^20 if a cell turned wet or dry.
func tileChange(cur, ref *Tile, thr int) int {
	c, r := orZero(cur), orZero(ref)
	worst, wet := 0, false
	for i := range c {
		a, b := int(c[i]), int(r[i])
		d := a - b
		if d < 0 {
			d = -d
		}
		t := max(thr, b>>6)
		if d >= t && d*16/t > worst {
			worst = d * 16 / t
		}
		if (a == 0) != (b == 0) {
			wet = true
		}
	}
	if wet {
		return worst + 1<<20
	}
	return worst
}
