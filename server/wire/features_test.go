package wire

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Tests of the optional features of version 1 (docs/protocol.md §5.8):
// the landslide risk layer and the participants' XR poses.

// featureStates is the worked example of §9.1: the 5 × 4 grid of §9 on a
// hillside, a spectator's view with the risk layer and two participants,
// one of them (slot 5) in a headset with tracked hands.
func featureStates() (g Grid, s0, s1 *State) {
	g = Grid{NX: 5, NY: 4, CellMM: 5000}
	r0 := []uint16{
		0, 0, 20, 35, 35,
		0, 10, 40, 60, 62,
		0, 12, 45, 70, 80,
		0, 0, 0, 0, 0,
	}
	r1 := append([]uint16(nil), r0...)
	r1[8], r1[9], r1[13], r1[14] = 64, 66, 75, RiskFailed
	parts := []Entity{
		{ID: 0, X: QuantPos(10), Y: QuantPos(7.5), Heading: QuantHeading(9000), Flags: FlagBot},
		{ID: 5, X: QuantPos(12.25), Y: QuantPos(3), Heading: QuantHeading(0)},
	}
	xr0 := []XREntity{{ID: 5, Yaw: 0, Pitch: -40, Height: 165, Hands: true, Left: [3]int16{-20, 110, -30}, Right: [3]int16{20, 110, -30}}}
	xr1 := []XREntity{{ID: 5, Yaw: 1000, Pitch: -41, Height: 164, Hands: true, Left: [3]int16{-20, 110, -30}, Right: [3]int16{35, 140, -55}}}
	s0 = &State{Tick: 1200, Globals: Globals{Phase: PhaseRunning, Warnings: [3]uint8{2, 0, 3}}, Participants: parts,
		Debris: FieldFrom(g, make([]uint16, 20), nil), Risk: FieldFrom(g, r0, nil), XR: xr0}
	s1 = &State{Tick: 1201, Globals: s0.Globals, Participants: parts, Debris: s0.Debris, Risk: FieldFrom(g, r1, nil), XR: xr1}
	return g, s0, s1
}

const featureLayers = LayerDebris | LayerRisk

func TestFeatureGolden(t *testing.T) {
	t.Parallel()
	golden(t, "hello_features", Marshal(nil, &Hello{Version: Version, Role: RoleSpectator, JoinCode: "K7QX2M", Name: "Ms Li", Lang: "zh-CN",
		Datagrams: true, Risk: true, XR: true}))
	g, s0, s1 := featureStates()
	enc := NewSnapshotEncoder(g, featureLayers, EncoderConfig{})
	enc.SendXR(true)
	full := enc.Full(s0)
	golden(t, "snapshot_features_full", full)
	delta, stream, err := enc.Encode(s1, DefaultBudget)
	if err != nil || stream {
		t.Fatal(err, stream)
	}
	golden(t, "snapshot_features_delta", delta)

	dec := NewSnapshotDecoder(g, featureLayers)
	got, err := dec.Decode(readGolden(t, "snapshot_features_full"))
	if err != nil {
		t.Fatal(err)
	}
	checkFeatures(t, got, s0, s0.XR)
	got, err = dec.Decode(readGolden(t, "snapshot_features_delta"))
	if err != nil {
		t.Fatal(err)
	}
	// The head's pitch (1 step) and height (1 cm) moved less than their dead
	// bands: the client keeps the old values; yaw, and the right hand, moved.
	want := s1.XR[0]
	want.Pitch, want.Height = s0.XR[0].Pitch, s0.XR[0].Height
	checkFeatures(t, got, s1, []XREntity{want})
}

func checkFeatures(t *testing.T, got, want *State, xr []XREntity) {
	t.Helper()
	checkState(t, got, want)
	if !reflect.DeepEqual(got.Risk.Cells(), want.Risk.Cells()) {
		t.Fatalf("risk differs\n got %v\nwant %v", got.Risk.Cells(), want.Risk.Cells())
	}
	if !reflect.DeepEqual(got.XR, xr) {
		t.Fatalf("xr differs\n got %+v\nwant %+v", got.XR, xr)
	}
}

// An encoder that was not asked for the features writes version 1's bytes
// whatever the State holds: old clients (the desktop client, bots, older
// pages) never see a section they cannot read.
func TestFeaturesOffKeepsVersion1Bytes(t *testing.T) {
	t.Parallel()
	g, s0, s1 := exampleStates()
	_, f0, f1 := featureStates()
	s0.XR, s0.Risk, s1.XR, s1.Risk = f0.XR, f0.Risk, f1.XR, f1.Risk
	enc := NewSnapshotEncoder(g, LayerWater, EncoderConfig{})
	if full := enc.Full(s0); !bytes.Equal(full, readGolden(t, "snapshot_full")) {
		t.Errorf("full snapshot changed: % x", full)
	}
	if delta, _, _ := enc.Encode(s1, DefaultBudget); !bytes.Equal(delta, readGolden(t, "snapshot_delta")) {
		t.Errorf("delta snapshot changed: % x", delta)
	}
	// and a version 1 decoder's layers refuse the risk tiles
	dec := NewSnapshotDecoder(g, LayerDebris)
	if _, err := dec.Decode(readGolden(t, "snapshot_features_full")); CodeOf(err) != CodeBadValue {
		t.Errorf("risk tiles without LayerRisk: %v", err)
	}
}

func TestXRSelfLeftOut(t *testing.T) {
	t.Parallel()
	g, s0, _ := featureStates()
	enc := NewSnapshotEncoder(g, 0, EncoderConfig{XRSelf: 5 + 1})
	enc.SendXR(true)
	dec := NewSnapshotDecoder(g, 0)
	st, err := dec.Decode(enc.Full(s0))
	if err != nil || len(st.XR) != 0 {
		t.Fatalf("own pose sent back: %+v %v", st.XR, err)
	}
}

func TestRiskIndex(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fs     float64
		failed bool
		want   uint16
	}{
		{10, false, RiskNone}, {math.Inf(1), false, RiskNone}, {math.NaN(), false, RiskNone}, {2, false, RiskNone},
		{1.999, false, 1}, {1.5, false, 50}, {1.004, false, 100}, {1.0, false, 100}, {0.5, false, 150},
		{-3, false, RiskMax}, {1.3, true, RiskFailed},
	} {
		if got := RiskIndex(c.fs, c.failed); got != c.want {
			t.Errorf("RiskIndex(%v, %v) = %d, want %d", c.fs, c.failed, got, c.want)
		}
	}
	if fs := RiskFS(RiskIndex(1.23, false)); math.Abs(fs-1.23) > 0.005 {
		t.Errorf("RiskFS round trip: %v", fs)
	}
}

func TestXRFromPose(t *testing.T) {
	t.Parallel()
	s2 := math.Sqrt(0.5)
	for _, c := range []struct {
		name       string
		q          [4]float64 // x, y, z, w: the head's orientation (three.js: −z forward, y up)
		yaw, pitch int
	}{
		{"north", [4]float64{0, 0, 0, 1}, 0, 0},
		// turning right (clockwise seen from above) is a negative rotation about +y
		{"east", [4]float64{0, -s2, 0, s2}, 256, 0},
		{"west", [4]float64{0, s2, 0, s2}, 768, 0},
		{"south", [4]float64{0, 1, 0, 0}, 512, 0},
		{"up 30°", [4]float64{math.Sin(math.Pi / 12), 0, 0, math.Cos(math.Pi / 12)}, 0, 85},
		{"down 45°", [4]float64{-math.Sin(math.Pi / 8), 0, 0, math.Cos(math.Pi / 8)}, 0, -128},
	} {
		p := &Pose{Head: &XRPose{Y: 1653, Rot: PackQuat(c.q[0], c.q[1], c.q[2], c.q[3])},
			Hands: &[2]XRPose{{X: -255, Y: 1100, Z: 5000}, {X: 250}}}
		e, ok := XRFromPose(3, p)
		if !ok || e.ID != 3 || absDiff(0, yawDelta(uint16(c.yaw), e.Yaw)) > 1 || absDiff(int(e.Pitch), c.pitch) > 1 || e.Height != 165 {
			t.Errorf("%s: %+v, want yaw %d pitch %d", c.name, e, c.yaw, c.pitch)
		}
		if !e.Hands || e.Left != [3]int16{-26, 110, XRHandMax} || e.Right != [3]int16{25, 0, 0} {
			t.Errorf("%s: hands %+v %+v", c.name, e.Left, e.Right)
		}
	}
	if _, ok := XRFromPose(3, &Pose{}); ok {
		t.Error("a pose without a head gave an XR entity")
	}
}

// Random XR poses over a lossy link: the client's poses stay within the
// dead bands of the truth (or exact for hand tracking on/off), whatever
// was lost, and entities come and go.
func TestXRRandomLossy(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 9))
	g := Grid{NX: 20, NY: 20, CellMM: 1000}
	enc := NewSnapshotEncoder(g, 0, EncoderConfig{XRBudget: -1})
	enc.SendXR(true)
	dec := NewSnapshotDecoder(g, 0)
	truth := map[uint32]XREntity{}
	state := func(tick uint64) *State {
		s := &State{Tick: tick}
		for id := uint32(0); id < MaxSlots; id++ {
			if e, ok := truth[id]; ok {
				s.XR = append(s.XR, e)
			}
		}
		return s
	}
	if _, err := dec.Decode(enc.Full(state(0))); err != nil {
		t.Fatal(err)
	}
	var bytesXR, snaps int
	for tick := uint64(1); tick < 3000; tick++ {
		for k := 0; k < 3; k++ {
			id := uint32(rng.IntN(12))
			switch e, ok := truth[id]; {
			case !ok || rng.IntN(40) == 0:
				if ok && rng.IntN(2) == 0 {
					delete(truth, id)
					continue
				}
				truth[id] = XREntity{ID: id, Yaw: uint16(rng.IntN(1024)), Pitch: int16(rng.IntN(2*XRPitchMax+1) - XRPitchMax),
					Height: uint16(rng.IntN(XRHeightMax + 1)), Hands: rng.IntN(2) == 0}
			default:
				e.Yaw = uint16((int(e.Yaw) + rng.IntN(21) - 10 + 1024) % 1024)
				e.Pitch = int16(max(-XRPitchMax, min(XRPitchMax, int(e.Pitch)+rng.IntN(7)-3)))
				e.Height = uint16(max(0, min(XRHeightMax, int(e.Height)+rng.IntN(5)-2)))
				for a := range 3 {
					e.Left[a] = int16(max(-XRHandMax, min(XRHandMax, int(e.Left[a])+rng.IntN(9)-4)))
					e.Right[a] = int16(max(-XRHandMax, min(XRHandMax, int(e.Right[a])+rng.IntN(9)-4)))
				}
				truth[id] = e
			}
		}
		s := state(tick)
		p, _, err := enc.Encode(s, DefaultBudget)
		if err != nil {
			t.Fatal(err)
		}
		snaps++
		bytesXR += len(p)
		if rng.IntN(5) == 0 { // lost
			continue
		}
		got, err := dec.Decode(p)
		if err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
		if len(got.XR) != len(s.XR) {
			t.Fatalf("tick %d: %d XR entities, want %d", tick, len(got.XR), len(s.XR))
		}
		for i, e := range got.XR {
			w := s.XR[i]
			if e.ID != w.ID || absDiff(0, yawDelta(e.Yaw, w.Yaw)) >= xrAngleBand || absDiff(int(e.Pitch), int(w.Pitch)) >= xrAngleBand ||
				absDiff(int(e.Height), int(w.Height)) >= xrCMBand || e.Hands != w.Hands || (w.Hands && (handMoved(e.Left, w.Left) || handMoved(e.Right, w.Right))) {
				t.Fatalf("tick %d: client holds %+v, truth %+v", tick, e, w)
			}
		}
		if rng.IntN(3) > 0 {
			a, bits := dec.Ack()
			if err := enc.Ack(a, bits); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%.1f B per snapshot for ~%d moving heads", float64(bytesXR)/float64(snaps), len(truth))
}

// FuzzDecodeFeatureSnapshot decodes a snapshot after the features' golden
// full snapshot: no panic, only *Error, XR values in range, and a
// rejected input leaves the decoder able to take the golden delta.
func FuzzDecodeFeatureSnapshot(f *testing.F) {
	f.Add(readGolden(f, "snapshot_features_delta"))
	f.Add(readGolden(f, "snapshot_features_full"))
	g, s0, s1 := featureStates()
	full, delta := readGolden(f, "snapshot_features_full"), readGolden(f, "snapshot_features_delta")
	want := s1.XR[0]
	want.Pitch, want.Height = s0.XR[0].Pitch, s0.XR[0].Height
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := NewSnapshotDecoder(g, featureLayers)
		if _, err := dec.Decode(full); err != nil {
			t.Fatal(err)
		}
		st, err := dec.Decode(b)
		mustBeProtocolError(t, err)
		if err == nil {
			prev := -1
			for _, e := range st.XR {
				if int(e.ID) <= prev || e.ID >= MaxSlots || e.Yaw >= HeadingSteps || e.Pitch < -XRPitchMax || e.Pitch > XRPitchMax || e.Height > XRHeightMax {
					t.Fatalf("xr out of range or order: %+v", st.XR)
				}
				prev = int(e.ID)
			}
			return
		}
		got, err := dec.Decode(delta)
		if err != nil {
			t.Fatalf("decoder harmed by rejected input: %v", err)
		}
		checkFeatures(t, got, s1, []XREntity{want})
	})
}

// TestXRBandwidth: a class of 40 headsets whose heads all turn and hands
// all move every snapshot costs a participant at most the XR budget (96 B
// a snapshot, 15 kbit/s at 20 Hz) — each head is updated every few
// snapshots instead — and once they hold still every client's copy
// catches up to within the dead bands. It logs the bytes per snapshot of
// a realistic class too (heads turning now and then).
func TestXRBandwidth(t *testing.T) {
	t.Parallel()
	g := Grid{NX: 16, NY: 16, CellMM: 1000}
	for _, c := range []struct {
		name  string
		every int  // a head moves in one snapshot of this many
		aim   bool // hand aim (§5.8): the moving hand points somewhere new too
	}{{"all 40 moving every snapshot", 1, false}, {"40 looking around (each moves 1 snapshot in 5)", 5, false},
		{"all 40 moving and pointing every snapshot, with aim", 1, true}, {"40 looking around and pointing, with aim", 5, true}} {
		rng := rand.New(rand.NewPCG(1, 2))
		enc := NewSnapshotEncoder(g, 0, EncoderConfig{XRSelf: 1})
		enc.SendXR(true)
		enc.SendAim(c.aim)
		dec := NewSnapshotDecoder(g, 0)
		dec.ExpectAim(c.aim)
		s := &State{}
		for id := uint32(0); id < 40; id++ {
			s.XR = append(s.XR, XREntity{ID: id, Yaw: uint16(rng.IntN(1024)), Height: 140, Hands: true})
		}
		if _, err := dec.Decode(enc.Full(s)); err != nil {
			t.Fatal(err)
		}
		total, n, most := 0, 0, 0
		for tick := uint64(1); tick <= 400; tick++ {
			moving := tick <= 300
			next := &State{Tick: tick, XR: append([]XREntity(nil), s.XR...)}
			for i := range next.XR {
				e := &next.XR[i]
				if moving && rng.IntN(c.every) == 0 {
					e.Yaw = uint16((int(e.Yaw) + 5 + rng.IntN(10)) % 1024)
					e.Pitch = int16(max(-XRPitchMax, min(XRPitchMax, int(e.Pitch)+rng.IntN(9)-4)))
					e.Right[0] = int16(max(-XRHandMax, min(XRHandMax, int(e.Right[0])+rng.IntN(9)-4)))
					if c.aim {
						e.RightAim.Yaw = uint16((int(e.RightAim.Yaw) + 4 + rng.IntN(8)) % HeadingSteps)
						e.RightAim.Pitch = int16(max(-XRPitchMax, min(XRPitchMax, int(e.RightAim.Pitch)+rng.IntN(9)-4)))
					}
				}
			}
			s = next
			p, _, err := enc.Encode(s, DefaultBudget)
			if err != nil {
				t.Fatal(err)
			}
			if moving {
				total += len(p)
				n++
				most = max(most, len(p))
			}
			if _, err := dec.Decode(p); err != nil {
				t.Fatal(err)
			}
			a, bits := dec.Ack()
			_ = enc.Ack(a, bits)
		}
		// header (≤ 9 B) + count + the budget + a last entity that almost fit
		if most > 9+2+96+16 {
			t.Errorf("%s: a snapshot of %d B", c.name, most)
		}
		got := dec.Latest().XR
		if len(got) != 39 {
			t.Fatalf("%s: %d heads at the client", c.name, len(got))
		}
		for i, e := range got {
			w := s.XR[i+1]
			if e.ID != w.ID || absDiff(0, yawDelta(e.Yaw, w.Yaw)) >= xrAngleBand || absDiff(int(e.Pitch), int(w.Pitch)) >= xrAngleBand || handMoved(e.Right, w.Right) ||
				(c.aim && aimMoved(e.RightAim, w.RightAim)) || (!c.aim && e.RightAim != XRAim{}) {
				t.Fatalf("%s: did not catch up: %+v, truth %+v", c.name, e, w)
			}
		}
		avg := float64(total) / float64(n)
		t.Logf("%s: %.1f B a snapshot (%.1f kbit/s at 20 Hz), largest %d B", c.name, avg, avg*8*20/1000, most)
	}
}

// TestXRBandwidthFlood is the worst class for the participant target:
// the synthetic flood of TestSnapshotSizeSynthetic (40 participants and 20
// NPCs walking, the water line crossing a 160 × 120 map, RTT 100 ms, 1 %
// loss) with every participant in a headset turning its head and moving a
// hand every snapshot. The XR section takes what the entities leave of the
// 400 B target, so the downstream stays within 64 kbit/s.
func TestXRBandwidthFlood(t *testing.T) {
	t.Parallel()
	for _, aim := range []bool{false, true} {
		t.Run(map[bool]string{false: "heads", true: "heads and hand aim"}[aim], func(t *testing.T) {
			t.Parallel()
			xrFlood(t, aim)
		})
	}
}

// xrFlood runs TestXRBandwidthFlood, with every right hand also pointing
// somewhere new every snapshot when aim is set.
func xrFlood(t *testing.T, aim bool) {
	const nx, ny, hz, ticks = 160, 120, 20, 1200
	g := Grid{NX: nx, NY: ny, CellMM: 5000}
	rng := rand.New(rand.NewPCG(1, 2))
	ground := make([]float64, nx*ny) // cm
	for r := 0; r < ny; r++ {
		for c := 0; c < nx; c++ {
			ground[r*nx+c] = float64(ny-r)*10 + 40*math.Sin(float64(c)/9)*math.Cos(float64(r)/7)
		}
	}
	type mover struct{ x, y, h, v float64 }
	movers := make([]mover, 60)
	heads := make([]XREntity, 40)
	for i := range movers {
		movers[i] = mover{x: 100 + rng.Float64()*600, y: 100 + rng.Float64()*400, h: rng.Float64() * 2 * math.Pi, v: 1.4}
	}
	for i := range heads {
		heads[i] = XREntity{ID: uint32(i), Height: 150, Hands: true}
	}
	enc := NewSnapshotEncoder(g, LayerWater, EncoderConfig{XRSelf: 1})
	enc.SendXR(true)
	enc.SendAim(aim)
	l := &link{enc: enc, dec: NewSnapshotDecoder(g, LayerWater), rng: rand.New(rand.NewPCG(3, 4)), loss: 0.01, rttTicks: 2}
	l.dec.ExpectAim(aim)
	cells := make([]uint16, nx*ny)
	var water *Field
	state := func(tick int) *State {
		level := -60 + float64(tick)/float64(ticks)*float64(ny)*10
		for i, z := range ground {
			d := level - z + 3*math.Sin(float64(tick)/15+float64(i%nx)/5)
			cells[i] = QuantDepth(max(0, d) / 100)
		}
		water = FieldFrom(g, cells, water)
		s := &State{Tick: uint64(tick), Globals: Globals{Phase: PhaseRunning, Warnings: [3]uint8{4, 0, 0}}, Water: water}
		for i := range movers {
			m := &movers[i]
			m.h += (rng.Float64() - 0.5) * 0.02
			m.x = min(795, max(5, m.x+math.Sin(m.h)*m.v/hz))
			m.y = min(595, max(5, m.y-math.Cos(m.h)*m.v/hz))
			e := Entity{X: QuantPos(m.x), Y: QuantPos(m.y), Heading: QuantHeading(int32(m.h*18000/math.Pi) % 36000), Flags: FlagMoving}
			if i < 40 {
				e.ID = uint32(i)
				s.Participants = append(s.Participants, e)
				h := &heads[i]
				h.Yaw = uint16((int(h.Yaw) + 4 + rng.IntN(6)) % HeadingSteps)
				h.Right[0] = int16((int(h.Right[0]) + 2 + rng.IntN(3)) % XRHandMax)
				if aim {
					h.RightAim.Yaw = uint16((int(h.RightAim.Yaw) + 4 + rng.IntN(6)) % HeadingSteps)
				}
			} else {
				e.ID = uint32(i - 40)
				s.NPCs = append(s.NPCs, e)
			}
		}
		s.XR = append([]XREntity(nil), heads...)
		return s
	}
	if _, err := l.dec.Decode(enc.Full(state(0))); err != nil {
		t.Fatal(err)
	}
	l.countTiles()
	for tick := 1; tick <= ticks; tick++ {
		l.send(t, tick, state(tick))
	}
	if kbit := l.report(t, map[bool]string{false: "synthetic flood, 40 headsets all turning", true: "synthetic flood, 40 headsets turning and pointing (aim)"}[aim], hz); kbit > 64 {
		t.Errorf("%.1f kbit/s > 64", kbit)
	}
	if got := len(l.dec.Latest().XR); got != 39 {
		t.Errorf("%d heads at the client, want 39", got)
	}
}
