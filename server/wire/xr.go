package wire

import "math"

// XR poses of other participants (docs/protocol.md §5.8): an optional
// feature of version 1 that a client asks for with Hello flag bit 4. A
// headset sends its head and hands in every Pose (§6); the server relays a
// coarse, delta-coded version to the clients that asked, so classmates see
// each other's heads turn and hands point. The poses are presentation only:
// they never enter the engine or the journal.

// Snapshot section bits of the optional features (§5.1).
const (
	secRisk = 32 // tiles of the landslide risk layer (layer 2)
	secXR   = 64 // XR poses of participants
	secAll  = 127
)

// XR quantisation and limits.
const (
	XRPitchMax  = HeadingSteps / 4 // pitch −256…256 (straight down … straight up)
	XRHeightMax = 400              // head height above the feet, cm
	XRHandMax   = 400              // |hand coordinate| relative to the feet, cm
)

// XREntity is one participant's head and hands as snapshots carry them:
// head yaw in the heading's 1/1024 turn, head pitch in the same unit
// (positive up), head height and hand positions in centimetres relative to
// the participant's feet (x east, y up, z south, like the Pose).
type XREntity struct {
	ID     uint32 // participant slot
	Yaw    uint16 // 0…1023, clockwise from north
	Pitch  int16  // −256…256
	Height uint16 // 0…400 cm
	Hands  bool   // hand positions are tracked
	Left   [3]int16
	Right  [3]int16
	// LeftAim and RightAim are where each tracked hand points (§5.8 hand
	// aim, Hello flag bit 5): only a client that asked for them gets them;
	// for the others they stay zero.
	LeftAim, RightAim XRAim
}

// XRAim is a hand's pointing direction, q·(0, 0, −1) of its pose (the
// WebXR grip / target-ray forward), as yaw and pitch in the head's units.
type XRAim struct {
	Yaw   uint16 // 0…1023, clockwise from north
	Pitch int16  // −256…256, positive up
}

// XR change mask bits.
const (
	xrYaw    = 1
	xrPitch  = 2
	xrHeight = 4
	xrHands  = 8  // u8 0/1 follows
	xrLeft   = 16 // three svarints
	xrRight  = 32
	xrAll    = 63  // the bits every XR client reads
	xrLAim   = 64  // hand aim (aim.go): svarint dyaw, svarint dpitch
	xrRAim   = 128 // only for a client that asked for hand aim
)

// Dead bands: a field is resent only when it moved at least this far from
// the value the client has, so a head held still (headsets jitter by a
// few millimetres and tenths of a degree) costs nothing. 3/1024 turn is
// 1.05°, below what anyone notices on a classmate's head across a room.
const (
	xrAngleBand = 3 // yaw and pitch steps
	xrCMBand    = 2 // height and hand coordinates, cm
)

// XRFromPose quantises a Pose's head (and hands) for the snapshots: the
// direction the head looks (its −z axis) as yaw and pitch. ok is false
// when the Pose has no head.
func XRFromPose(slot int32, p *Pose) (e XREntity, ok bool) {
	if p == nil || p.Head == nil || slot < 0 {
		return e, false
	}
	head := aimOf(p.Head.Rot)
	e = XREntity{ID: uint32(slot), Yaw: head.Yaw, Pitch: head.Pitch,
		Height: uint16(max(0, min(XRHeightMax, int(math.Round(float64(p.Head.Y)/10)))))}
	if p.Hands != nil {
		e.Hands = true
		e.Left, e.Right = handCM(&p.Hands[0]), handCM(&p.Hands[1])
		e.LeftAim, e.RightAim = aimOf(p.Hands[0].Rot), aimOf(p.Hands[1].Rot)
	}
	return e, true
}

// aimOf quantises the direction a packed orientation looks along, its
// −z axis (a head's gaze, a hand's pointing), as yaw and pitch.
func aimOf(rot uint32) XRAim {
	x, y, z, w := UnpackQuat(rot)
	// forward = q · (0, 0, −1): the third column of the rotation, negated.
	fx := -(2 * (x*z + w*y))
	fy := -(2 * (y*z - w*x))
	fz := -(1 - 2*(x*x+y*y))
	yaw := math.Atan2(fx, -fz) * HeadingSteps / (2 * math.Pi)
	pitch := math.Atan2(fy, math.Hypot(fx, fz)) * HeadingSteps / (2 * math.Pi)
	return XRAim{Yaw: uint16((int(math.Round(yaw))%HeadingSteps + HeadingSteps) % HeadingSteps),
		Pitch: int16(max(-XRPitchMax, min(XRPitchMax, int(math.Round(pitch)))))}
}

func handCM(p *XRPose) [3]int16 {
	c := func(mm int16) int16 { return int16(max(-XRHandMax, min(XRHandMax, int(math.Round(float64(mm)/10))))) }
	return [3]int16{c(p.X), c(p.Y), c(p.Z)}
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

func yawDelta(from, to uint16) int {
	return (int(to)-int(from)+HeadingSteps/2)&(HeadingSteps-1) - HeadingSteps/2
}

func handMoved(a, b [3]int16) bool {
	for i := range a {
		if absDiff(int(a[i]), int(b[i])) >= xrCMBand {
			return true
		}
	}
	return false
}

// xrSent is what the client will hold for c when its baseline holds b: a
// field moves only past its dead band, so the value the encoder remembers
// (and the next delta is taken from) is the client's, not the headset's.
func xrSent(b, c *XREntity, aim bool) (XREntity, uint8) {
	out := *b
	out.ID = c.ID
	var m uint8
	if absDiff(0, yawDelta(b.Yaw, c.Yaw)) >= xrAngleBand {
		out.Yaw, m = c.Yaw, m|xrYaw
	}
	if absDiff(int(b.Pitch), int(c.Pitch)) >= xrAngleBand {
		out.Pitch, m = c.Pitch, m|xrPitch
	}
	if absDiff(int(b.Height), int(c.Height)) >= xrCMBand {
		out.Height, m = c.Height, m|xrHeight
	}
	if b.Hands != c.Hands {
		out.Hands, m = c.Hands, m|xrHands
	}
	if c.Hands && handMoved(b.Left, c.Left) {
		out.Left, m = c.Left, m|xrLeft
	}
	if c.Hands && handMoved(b.Right, c.Right) {
		out.Right, m = c.Right, m|xrRight
	}
	if aim && c.Hands && aimMoved(b.LeftAim, c.LeftAim) {
		out.LeftAim, m = c.LeftAim, m|xrLAim
	}
	if aim && c.Hands && aimMoved(b.RightAim, c.RightAim) {
		out.RightAim, m = c.RightAim, m|xrRAim
	}
	return out, m
}

// appendXR writes the XR section of cur against base (both sorted by ID)
// and returns what the client will hold afterwards; ok is false when
// nothing changed (the section is left out). self+1 names a participant
// whose own pose is not sent back to it (0: none). At most budget bytes of
// changes are written (< 0: no limit), starting at entity rot mod the
// number of changed ones so each gets its turn: the rest keep the
// baseline's values at the client and go in a later snapshot — a class of
// forty headsets all turning at once costs no more than the budget.
func appendXR(b []byte, base, cur []XREntity, self, budget, rot int, aim bool) (_ []byte, held []XREntity, ok bool) {
	start := len(b)
	var zero XREntity
	type change struct {
		sent     XREntity
		mask     uint8
		base     *XREntity
		fresh    bool
		c        *XREntity
		write    bool
		position int
	}
	var chs []change
	i := 0
	for k := range cur {
		c := &cur[k]
		if int(c.ID) == self-1 {
			continue
		}
		for i < len(base) && base[i].ID < c.ID {
			i++
		}
		bp, fresh := &zero, true
		if i < len(base) && base[i].ID == c.ID {
			bp, fresh = &base[i], false
		}
		sent, m := xrSent(bp, c, aim)
		chs = append(chs, change{sent: sent, mask: m, base: bp, fresh: fresh, c: c, write: m != 0 || fresh})
	}
	// Choose what fits, in turn from rot.
	nw := 0
	for k := range chs {
		if chs[k].write {
			chs[k].position = nw
			nw++
		}
	}
	if budget >= 0 && nw > 0 {
		used, first := 0, rot%nw
		for j := 0; j < nw; j++ {
			want := (first + j) % nw
			for k := range chs {
				if chs[k].write && chs[k].position == want {
					cost := xrCost(chs[k].base, chs[k].c, chs[k].mask)
					if used+cost > budget {
						chs[k].write = false
						if !chs[k].fresh {
							chs[k].sent = *chs[k].base // unchanged at the client for now
						}
						chs[k].position = -1
						continue
					}
					used += cost
				}
			}
		}
	}
	var body []byte
	n, prev := 0, -1
	for k := range chs {
		ch := &chs[k]
		if ch.fresh && !ch.write {
			continue // not at the client yet
		}
		held = append(held, ch.sent)
		if !ch.write {
			continue
		}
		c, bp, m := ch.c, ch.base, ch.mask
		body = putUvarint(body, uint64(int(c.ID)-prev-1))
		prev = int(c.ID)
		body = append(body, m)
		if m&xrYaw != 0 {
			body = putSvarint(body, int64(yawDelta(bp.Yaw, c.Yaw)))
		}
		if m&xrPitch != 0 {
			body = putSvarint(body, int64(c.Pitch)-int64(bp.Pitch))
		}
		if m&xrHeight != 0 {
			body = putSvarint(body, int64(c.Height)-int64(bp.Height))
		}
		if m&xrHands != 0 {
			body = append(body, boolByte(c.Hands))
		}
		for h, bit := range [2]uint8{xrLeft, xrRight} {
			if m&bit == 0 {
				continue
			}
			cv, bv := c.Left, bp.Left // (bp: the baseline's, or zeros)
			if h == 1 {
				cv, bv = c.Right, bp.Right
			}
			for a := range cv {
				body = putSvarint(body, int64(cv[a])-int64(bv[a]))
			}
		}
		body = appendAims(body, bp, c, m)
		n++
	}
	var removed []uint32
	j := 0
	for k := range base {
		for j < len(held) && held[j].ID < base[k].ID {
			j++
		}
		if j >= len(held) || held[j].ID != base[k].ID {
			removed = append(removed, base[k].ID)
		}
	}
	if n == 0 && len(removed) == 0 {
		return b[:start], held, false
	}
	b = putUvarint(b, uint64(n))
	b = append(b, body...)
	b = putUvarint(b, uint64(len(removed)))
	prev = -1
	for _, id := range removed {
		b = putUvarint(b, uint64(int(id)-prev-1))
		prev = int(id)
	}
	return b, held, true
}

// xrCost is the bytes of one changed entity (its id gap counted as 1).
func xrCost(b, c *XREntity, m uint8) int {
	n := 2
	if m&xrYaw != 0 {
		n += uvarintLen(zigzag(int64(yawDelta(b.Yaw, c.Yaw))))
	}
	if m&xrPitch != 0 {
		n += uvarintLen(zigzag(int64(c.Pitch) - int64(b.Pitch)))
	}
	if m&xrHeight != 0 {
		n += uvarintLen(zigzag(int64(c.Height) - int64(b.Height)))
	}
	if m&xrHands != 0 {
		n++
	}
	if m&xrLeft != 0 {
		n += 3
	}
	if m&xrRight != 0 {
		n += 3
	}
	return n + aimCost(b, c, m)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// readXRSection decodes an XR section against base (sorted by ID).
func readXRSection(r *reader, base []XREntity, aim bool) []XREntity {
	n := r.count("xr.changed", MaxSlots, 2)
	if r.err != nil {
		return nil
	}
	byID := make(map[uint32]XREntity, len(base)+n)
	for _, e := range base {
		byID[e.ID] = e
	}
	var changed [MaxSlots]bool
	prev := -1
	for k := 0; k < n; k++ {
		id := prev + 1 + int(r.uv("xr.id_gap", MaxSlots))
		if r.err == nil && id >= MaxSlots {
			r.fail(CodeLimit, "xr: id %d ≥ %d", id, MaxSlots)
		}
		if r.err != nil {
			return nil
		}
		prev = id
		changed[id] = true
		e := byID[uint32(id)]
		e.ID = uint32(id)
		m := r.u8("xr.mask")
		if m&^xrAll != 0 && !aim {
			r.fail(CodeBadValue, "xr: mask 0x%02x", m)
		}
		if m&xrYaw != 0 {
			d := r.svarint("xr.yaw")
			if r.err == nil && (d < -HeadingSteps/2 || d >= HeadingSteps/2) {
				r.fail(CodeBadValue, "xr: yaw delta %d", d)
			}
			e.Yaw = uint16((int64(e.Yaw) + d) & (HeadingSteps - 1))
		}
		if m&xrPitch != 0 {
			v := int64(e.Pitch) + r.svarint("xr.pitch")
			if r.err == nil && (v < -XRPitchMax || v > XRPitchMax) {
				r.fail(CodeBadValue, "xr: pitch %d", v)
			}
			e.Pitch = int16(v)
		}
		if m&xrHeight != 0 {
			v := int64(e.Height) + r.svarint("xr.height")
			if r.err == nil && (v < 0 || v > XRHeightMax) {
				r.fail(CodeBadValue, "xr: height %d", v)
			}
			e.Height = uint16(v)
		}
		if m&xrHands != 0 {
			e.Hands = r.boolean("xr.hands")
		}
		for h, bit := range [2]uint8{xrLeft, xrRight} {
			if m&bit == 0 {
				continue
			}
			v := &e.Left
			if h == 1 {
				v = &e.Right
			}
			for a := range v {
				x := int64(v[a]) + r.svarint("xr.hand")
				if r.err == nil && (x < -XRHandMax || x > XRHandMax) {
					r.fail(CodeBadValue, "xr: hand coordinate %d", x)
				}
				v[a] = int16(x)
			}
		}
		readAims(r, &e, m)
		if r.err != nil {
			return nil
		}
		byID[e.ID] = e
	}
	nr := r.count("xr.removed", len(base), 1)
	prev = -1
	for k := 0; k < nr && r.err == nil; k++ {
		id := prev + 1 + int(r.uv("xr.removed_gap", MaxSlots))
		prev = id
		if r.err == nil && (id >= MaxSlots || !inXR(base, uint32(id)) || changed[id]) {
			r.fail(CodeBadBaseline, "xr: removed %d is not in the baseline, or also changed", id)
		}
		delete(byID, uint32(id))
	}
	if r.err != nil {
		return nil
	}
	out := make([]XREntity, 0, len(byID))
	for id := uint32(0); id < MaxSlots && len(out) < len(byID); id++ {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out
}

func inXR(es []XREntity, id uint32) bool {
	for i := range es {
		if es[i].ID == id {
			return true
		}
	}
	return false
}

// numLayers is the number of tile layers: water, debris and the optional
// risk layer (section bits 3, 4 and 5; Welcome layer bits 0, 1 and 2).
const numLayers = 3

// SendXR makes the encoder write the XR section (a client that set Hello
// flag bit 4); call it before the first snapshot.
func (e *SnapshotEncoder) SendXR(on bool) { e.xr = on }

// xrMinBudget is the XR section's share of a snapshot whatever the
// entities took: none, so heads wait for a snapshot whose entities leave
// room (a crowd on the move in a spreading flood) rather than push a
// participant over the target.
const xrMinBudget = 0

// xrBudget is the byte cap of this snapshot's XR changes: XRBudget, and no
// more than what the downstream target (§5.7) leaves after the header and
// entities (size so far) and the tiles' floor — the heads share the 64
// kbit/s with the flood instead of adding to it. The Welcome's full state
// has no cap.
func (e *SnapshotEncoder) xrBudget(size int, full bool) int {
	b := e.cfg.XRBudget
	if full || b < 0 {
		return -1
	}
	if e.cfg.Target > 0 {
		b = min(b, max(xrMinBudget, e.cfg.Target-e.cfg.TileFloor-size-xrOverhead))
	}
	return b
}

// xrOverhead is the section's bytes beyond its entities' (the two counts,
// an entity's estimate being a byte short) and a margin, so the section
// does not push the tiles under their floor and the snapshot over the
// target (TestXRBandwidthFlood).
const xrOverhead = 8
