package client

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// TestHeadsetPoseReachesOthers: a headset participant's head (and hands)
// reach a classmate that asked for XR poses (Hello flag bit 4) in its
// snapshots — turning its head east, then west, then taking the headset
// off — while its own pose is not echoed to it and a client that did not
// ask never sees the section (docs/protocol.md §5.8).
func TestHeadsetPoseReachesOthers(t *testing.T) {
	s := startServer(t)
	e, _ := s.drill(t)
	headset := s.dial(t, Options{JoinCode: e.Code, Name: "Quest 小明", Datagrams: true, XRPoses: true})
	mate := s.dial(t, Options{JoinCode: e.Code, Name: "小红", Datagrams: true, XRPoses: true})
	old := s.dial(t, Options{JoinCode: e.Code, Name: "desktop", Datagrams: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	slot := headset.Info().Slot
	yawQuat := func(deg float64) uint32 { // turning clockwise seen from above: about −y
		h := -deg * math.Pi / 360
		return wire.PackQuat(0, math.Sin(h), 0, math.Cos(h))
	}
	hands := &[2]wire.XRPose{{X: -250, Y: 1100, Z: -300, Rot: wire.PackQuat(0, 0, 0, 1)}, {X: 300, Y: 1400, Z: -450, Rot: wire.PackQuat(0, 0, 0, 1)}}
	waitFor := func(what string, ok func(wire.XREntity, bool) bool) wire.XREntity {
		t.Helper()
		for {
			x, found := mate.XRFor(slot)
			if ok(x, found) {
				return x
			}
			if ctx.Err() != nil {
				t.Fatalf("%s: the classmate holds %+v (found %v)", what, x, found)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	headset.SetXR(&wire.XRPose{Y: 1500, Rot: yawQuat(90)}, hands)
	x := waitFor("head turned east", func(x wire.XREntity, ok bool) bool { return ok && x.Yaw == 256 })
	if x.Height != 150 || !x.Hands || x.Left != [3]int16{-25, 110, -30} || x.Right != [3]int16{30, 140, -45} {
		t.Errorf("head and hands: %+v", x)
	}
	headset.SetXR(&wire.XRPose{Y: 1500, Rot: yawQuat(270)}, nil)
	waitFor("head turned west, hands down", func(x wire.XREntity, ok bool) bool { return ok && x.Yaw == 768 && !x.Hands })
	if _, ok := headset.XRFor(slot); ok {
		t.Error("the headset's own pose was sent back to it")
	}
	headset.SetXR(nil, nil)
	waitFor("headset off", func(_ wire.XREntity, ok bool) bool { return !ok })
	if x := old.XR(); x != nil || old.Stats().DecodeErrors != 0 {
		t.Errorf("a client that did not ask got XR poses %+v (decode errors %d)", x, old.Stats().DecodeErrors)
	}
}

// TestHandAimReachesOthers: a classmate that asked for hand aim (Options.
// HandAim, Hello flag bit 5) sees where the headset's right hand points —
// east, then down at the ground to the west — while one that asked for XR
// poses only gets the hands without aim and no decode error (§5.8).
func TestHandAimReachesOthers(t *testing.T) {
	s := startServer(t)
	e, _ := s.drill(t)
	headset := s.dial(t, Options{JoinCode: e.Code, Name: "Quest 小明", Datagrams: true})
	aimer := s.dial(t, Options{JoinCode: e.Code, Name: "小红", Datagrams: true, HandAim: true})
	plain := s.dial(t, Options{JoinCode: e.Code, Name: "小刚", Datagrams: true, XRPoses: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.Drill.Start(ctx); err != nil {
		t.Fatal(err)
	}
	slot := headset.Info().Slot
	// yaw (clockwise from north) then pitch (down negative), as a quaternion
	aim := func(yawDeg, pitchDeg float64) uint32 {
		y, p := -yawDeg*math.Pi/360, pitchDeg*math.Pi/360
		// q = qYaw(about y) · qPitch(about x)
		return wire.PackQuat(math.Cos(y)*math.Sin(p), math.Sin(y)*math.Cos(p), -math.Sin(y)*math.Sin(p), math.Cos(y)*math.Cos(p))
	}
	waitAim := func(c *Client, what string, ok func(wire.XREntity) bool) wire.XREntity {
		t.Helper()
		for {
			x, found := c.XRFor(slot)
			if found && ok(x) {
				return x
			}
			if ctx.Err() != nil {
				t.Fatalf("%s: the classmate holds %+v (found %v)", what, x, found)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	near := func(a wire.XRAim, yaw, pitch int) bool {
		dy := (int(a.Yaw) - yaw + 1536) % 1024
		return dy >= 512-2 && dy <= 512+2 && int(a.Pitch) >= pitch-2 && int(a.Pitch) <= pitch+2
	}
	head := &wire.XRPose{Y: 1500, Rot: wire.PackQuat(0, 0, 0, 1)}
	headset.SetXR(head, &[2]wire.XRPose{{X: -250, Y: 1100, Rot: aim(0, -30)}, {X: 300, Y: 1400, Rot: aim(90, 0)}})
	x := waitAim(aimer, "pointing east", func(x wire.XREntity) bool { return near(x.RightAim, 256, 0) })
	if !near(x.LeftAim, 0, -85) {
		t.Errorf("left hand aim %+v, want yaw 0 pitch −85", x.LeftAim)
	}
	headset.SetXR(head, &[2]wire.XRPose{{X: -250, Y: 1100, Rot: aim(0, -30)}, {X: 300, Y: 1400, Rot: aim(270, -45)}})
	waitAim(aimer, "pointing west and down", func(x wire.XREntity) bool { return near(x.RightAim, 768, -128) })
	p := waitAim(plain, "hands without aim", func(x wire.XREntity) bool { return x.Hands })
	if p.LeftAim != (wire.XRAim{}) || p.RightAim != (wire.XRAim{}) || plain.Stats().DecodeErrors != 0 {
		t.Errorf("a client that did not ask for aim got %+v (decode errors %d)", p, plain.Stats().DecodeErrors)
	}
}
