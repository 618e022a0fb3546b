package wire

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Tests of the hand aim feature (docs/protocol.md §5.8, Hello flag bit 5).

// aimStates is the worked example of §9.1's hand aim: the participants of
// featureStates seen by participant 0's page (XR poses with aim), slot 5
// resting its left hand (pointing ahead and down) and pointing east with
// its right, then swinging the right hand down towards the river.
func aimStates() (g Grid, s0, s1 *State) {
	g, f0, f1 := featureStates()
	x0, x1 := f0.XR[0], f1.XR[0]
	x0.LeftAim, x0.RightAim = XRAim{Yaw: 0, Pitch: -64}, XRAim{Yaw: 240, Pitch: -20}
	// left pitch −62: inside the dead band, not sent; right: east-south-east, 31.6° down
	x1.LeftAim, x1.RightAim = XRAim{Yaw: 1, Pitch: -62}, XRAim{Yaw: 300, Pitch: -90}
	s0 = &State{Tick: f0.Tick, Globals: f0.Globals, Participants: f0.Participants, XR: []XREntity{x0}}
	s1 = &State{Tick: f1.Tick, Globals: f1.Globals, Participants: f1.Participants, XR: []XREntity{x1}}
	return g, s0, s1
}

// aimHeld is what the client holds after each snapshot of aimStates: the
// dead bands keep the old pitch, height and left aim in the delta.
func aimHeld(s0, s1 *State) [2][]XREntity {
	w1 := s1.XR[0]
	w1.Pitch, w1.Height, w1.LeftAim = s0.XR[0].Pitch, s0.XR[0].Height, s0.XR[0].LeftAim
	return [2][]XREntity{s0.XR, {w1}}
}

func TestAimGolden(t *testing.T) {
	t.Parallel()
	hello := &Hello{Version: Version, Role: RoleParticipant, JoinCode: "K7QX2M", Name: "Ming", Lang: "zh-CN",
		Datagrams: true, XR: true, Aim: true}
	golden(t, "hello_aim", Marshal(nil, hello))
	if m, err := DecodeMessage(readGolden(t, "hello_aim")); err != nil || !reflect.DeepEqual(m, hello) {
		t.Fatalf("hello_aim decodes to %+v, %v", m, err)
	}
	g, s0, s1 := aimStates()
	enc := NewSnapshotEncoder(g, 0, EncoderConfig{XRSelf: 1})
	enc.SendXR(true)
	enc.SendAim(true)
	golden(t, "snapshot_aim_full", enc.Full(s0))
	delta, stream, err := enc.Encode(s1, DefaultBudget)
	if err != nil || stream {
		t.Fatal(err, stream)
	}
	golden(t, "snapshot_aim_delta", delta)

	dec := NewSnapshotDecoder(g, 0)
	dec.ExpectAim(true)
	held := aimHeld(s0, s1)
	for i, name := range []string{"snapshot_aim_full", "snapshot_aim_delta"} {
		got, err := dec.Decode(readGolden(t, name))
		if err != nil {
			t.Fatal(name, err)
		}
		if !reflect.DeepEqual(got.XR, held[i]) {
			t.Fatalf("%s: xr\n got %+v\nwant %+v", name, got.XR, held[i])
		}
	}
}

// A client that did not ask for aim gets the bytes it got before the
// feature existed (the §9.1 golden vectors, whatever aim the headset
// sends), and a decoder that did not ask refuses aim bits as bad_value.
func TestAimOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	g, s0, s1 := featureStates()
	for _, s := range []*State{s0, s1} {
		s.XR = append([]XREntity(nil), s.XR...)
		s.XR[0].LeftAim, s.XR[0].RightAim = XRAim{Yaw: 512, Pitch: 100}, XRAim{Yaw: 77, Pitch: -200}
	}
	enc := NewSnapshotEncoder(g, featureLayers, EncoderConfig{})
	enc.SendXR(true)
	if full := enc.Full(s0); !bytes.Equal(full, readGolden(t, "snapshot_features_full")) {
		t.Errorf("full snapshot without aim changed: % x", full)
	}
	if delta, _, _ := enc.Encode(s1, DefaultBudget); !bytes.Equal(delta, readGolden(t, "snapshot_features_delta")) {
		t.Errorf("delta snapshot without aim changed: % x", delta)
	}
	ag, _, _ := aimStates()
	if _, err := NewSnapshotDecoder(ag, 0).Decode(readGolden(t, "snapshot_aim_full")); CodeOf(err) != CodeBadValue {
		t.Errorf("aim bits to a decoder that did not ask: %v, want bad_value", err)
	}
}

func TestAimHelloFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		flags byte
		ok    bool
	}{{0x31, true}, {0x11, true}, {0x21, false}, {0x20, false}, {0x71, true}, {0xb1, false}, {0x61, false}} {
		b := Marshal(nil, &Hello{Version: Version, Role: RoleParticipant, JoinCode: "K7QX2M", Name: "Ming", Lang: "en"})
		b[len(b)-10] = c.flags // flags, then fac_token (1) and terrain_hash (8)
		m, err := DecodeMessage(b)
		if c.ok != (err == nil) {
			t.Errorf("flags 0x%02x: %v", c.flags, err)
			continue
		}
		if err == nil && m.(*Hello).Aim != (c.flags&32 != 0) {
			t.Errorf("flags 0x%02x: aim %v", c.flags, m.(*Hello).Aim)
		}
		if err != nil && CodeOf(err) != CodeBadValue {
			t.Errorf("flags 0x%02x: %v, want bad_value", c.flags, err)
		}
	}
}

func TestAimFromPose(t *testing.T) {
	t.Parallel()
	s2 := math.Sqrt(0.5)
	quat := func(axisX, axisY float64, angle float64) uint32 { // about a unit axis in the x–y plane
		s := math.Sin(angle / 2)
		return PackQuat(axisX*s, axisY*s, 0, math.Cos(angle/2))
	}
	for _, c := range []struct {
		name       string
		rot        uint32
		yaw, pitch int
	}{
		{"ahead (north)", PackQuat(0, 0, 0, 1), 0, 0},
		{"east", PackQuat(0, -s2, 0, s2), 256, 0},
		{"south", PackQuat(0, 1, 0, 0), 512, 0},
		{"down 30°", quat(1, 0, -math.Pi/6), 0, -85},
		{"up 60°", quat(1, 0, math.Pi/3), 0, 171},
	} {
		p := &Pose{Head: &XRPose{Y: 1600, Rot: PackQuat(0, 0, 0, 1)}, Hands: &[2]XRPose{{Rot: c.rot}, {Rot: PackQuat(0, s2, 0, s2)}}}
		e, ok := XRFromPose(2, p)
		if !ok || absDiff(0, yawDelta(uint16(c.yaw), e.LeftAim.Yaw)) > 1 || absDiff(int(e.LeftAim.Pitch), c.pitch) > 1 {
			t.Errorf("%s: left aim %+v, want yaw %d pitch %d", c.name, e.LeftAim, c.yaw, c.pitch)
		}
		if absDiff(0, yawDelta(768, e.RightAim.Yaw)) > 1 || e.RightAim.Pitch != 0 {
			t.Errorf("%s: right aim %+v, want west", c.name, e.RightAim)
		}
	}
	if e, _ := XRFromPose(2, &Pose{Head: &XRPose{Rot: PackQuat(0, 1, 0, 0)}}); e.LeftAim != (XRAim{}) || e.RightAim != (XRAim{}) {
		t.Errorf("aim without hands: %+v", e)
	}
}

// Random hands over a lossy link: the client's aims stay within the dead
// band of the truth while the hands are tracked, whatever was lost.
func TestAimRandomLossy(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	g := Grid{NX: 20, NY: 20, CellMM: 1000}
	enc := NewSnapshotEncoder(g, 0, EncoderConfig{XRBudget: -1})
	enc.SendXR(true)
	enc.SendAim(true)
	dec := NewSnapshotDecoder(g, 0)
	dec.ExpectAim(true)
	truth := make([]XREntity, 8)
	for i := range truth {
		truth[i] = XREntity{ID: uint32(i * 3), Height: 150, Hands: i%4 != 0}
	}
	if _, err := dec.Decode(enc.Full(&State{XR: truth})); err != nil {
		t.Fatal(err)
	}
	wander := func(a XRAim) XRAim {
		return XRAim{Yaw: uint16((int(a.Yaw) + rng.IntN(41) - 20 + 1024) % 1024),
			Pitch: int16(max(-XRPitchMax, min(XRPitchMax, int(a.Pitch)+rng.IntN(21)-10)))}
	}
	for tick := uint64(1); tick < 2000; tick++ {
		s := &State{Tick: tick, XR: append([]XREntity(nil), truth...)}
		for i := range s.XR {
			s.XR[i].LeftAim, s.XR[i].RightAim = wander(s.XR[i].LeftAim), wander(s.XR[i].RightAim)
			if rng.IntN(50) == 0 {
				s.XR[i].Hands = !s.XR[i].Hands
			}
		}
		truth = s.XR
		p, _, err := enc.Encode(s, DefaultBudget)
		if err != nil {
			t.Fatal(err)
		}
		if rng.IntN(5) == 0 {
			continue // lost
		}
		got, err := dec.Decode(p)
		if err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
		for i, e := range got.XR {
			w := s.XR[i]
			if e.Hands != w.Hands || (w.Hands && (aimMoved(e.LeftAim, w.LeftAim) || aimMoved(e.RightAim, w.RightAim))) {
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
}

// FuzzDecodeAimSnapshot decodes a snapshot after the aim golden full
// snapshot with a decoder that asked for aim: no panic, only *Error, aims
// in range, and a rejected input leaves the decoder able to take the
// golden delta.
func FuzzDecodeAimSnapshot(f *testing.F) {
	f.Add(readGolden(f, "snapshot_aim_delta"))
	f.Add(readGolden(f, "snapshot_aim_full"))
	f.Add(readGolden(f, "snapshot_features_delta"))
	// snapshot 2 against 1, XR only, slot 5: both aims at their limits;
	// a right aim yaw delta of +512 (out of −512…511); a pitch of −257
	f.Add([]byte{0x81, 2, 1, 1, 0x40, 1, 5, 0xc0, 0xff, 0x07, 0x80, 0x04, 0xfe, 0x07, 0xff, 0x03, 0})
	f.Add([]byte{0x81, 2, 1, 1, 0x40, 1, 5, 0x80, 0x80, 0x08, 0, 0})
	f.Add([]byte{0x81, 2, 1, 1, 0x40, 1, 5, 0x40, 0, 0x81, 0x04, 0})
	g, s0, s1 := aimStates()
	full, delta := readGolden(f, "snapshot_aim_full"), readGolden(f, "snapshot_aim_delta")
	held := aimHeld(s0, s1)
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := NewSnapshotDecoder(g, 0)
		dec.ExpectAim(true)
		if _, err := dec.Decode(full); err != nil {
			t.Fatal(err)
		}
		st, err := dec.Decode(b)
		mustBeProtocolError(t, err)
		if err == nil {
			for _, e := range st.XR {
				for _, a := range []XRAim{e.LeftAim, e.RightAim} {
					if a.Yaw >= HeadingSteps || a.Pitch < -XRPitchMax || a.Pitch > XRPitchMax {
						t.Fatalf("aim out of range: %+v", e)
					}
				}
			}
			return
		}
		got, err := dec.Decode(delta)
		if err != nil {
			t.Fatalf("decoder harmed by rejected input: %v", err)
		}
		if !reflect.DeepEqual(got.XR, held[1]) {
			t.Fatalf("xr after a rejected input: %+v", got.XR)
		}
	})
}

// TestAimWorkedExampleInDoc: the bytes of docs/protocol.md §9.2 (the hex
// before each line's description) are the golden vectors, in order.
func TestAimWorkedExampleInDoc(t *testing.T) {
	t.Parallel()
	checkWorkedExample(t, "9.2", "hello_aim", "snapshot_aim_full", "snapshot_aim_delta")
}

// checkWorkedExample checks that the code blocks of docs/protocol.md's
// section (e.g. "9.2"), in order, hold the bytes of the named golden
// vectors: the hex before each line's description.
func checkWorkedExample(t *testing.T, section string, names ...string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "protocol.md"))
	if err != nil {
		t.Fatal(err)
	}
	sec := string(doc)
	i := strings.Index(sec, "### "+section+" ")
	if i < 0 {
		t.Fatalf("docs/protocol.md has no §%s", section)
	}
	sec = sec[i:]
	if j := strings.Index(sec, "\n## "); j >= 0 {
		sec = sec[:j]
	}
	blocks := strings.Split(sec, "```")
	if len(blocks) < 2*len(names)+1 {
		t.Fatalf("§%s has %d code blocks, want %d", section, len(blocks)/2, len(names))
	}
	for k, name := range names {
		var got []byte
		for _, line := range strings.Split(blocks[2*k+1], "\n") {
			hexPart, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
			for _, tok := range strings.Fields(hexPart) {
				v, err := strconv.ParseUint(tok, 16, 8)
				if err != nil || len(tok) != 2 {
					t.Fatalf("§%s %s: %q in %q is not a byte", section, name, tok, line)
				}
				got = append(got, byte(v))
			}
		}
		if want := readGolden(t, name); !bytes.Equal(got, want) {
			t.Errorf("§%s %s:\n doc % x\nwant % x", section, name, got, want)
		}
	}
}
