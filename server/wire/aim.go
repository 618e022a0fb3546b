package wire

// Hand aim (docs/protocol.md §5.8): an optional feature of version 1 on
// top of the XR poses. A client that sets Hello flag bit 5 (with bit 4)
// also gets where each tracked hand points, so a classmate pointing at the
// river or at the stairs is seen pointing; per-entity mask bits 6 and 7
// carry the left and right hand's aim. A client that did not ask gets
// exactly the bytes it got before (the bits stay 0) and its decoder keeps
// refusing them.

// SendAim makes the encoder write the hands' aim in the XR section (a
// client that set Hello flag bits 4 and 5); call it before the first
// snapshot, with SendXR(true).
func (e *SnapshotEncoder) SendAim(on bool) { e.aim = on }

// ExpectAim makes the decoder accept hand aim in the XR section (mask bits
// 6–7): set it when the Hello asked for it. Without it those bits are
// bad_value, as in a version 1 decoder that predates the feature.
func (d *SnapshotDecoder) ExpectAim(on bool) { d.aim = on }

// aimMoved says whether an aim moved past the head's dead band in yaw or
// pitch. When it did, both are sent exactly (they cost a byte each anyway).
func aimMoved(a, b XRAim) bool {
	return absDiff(0, yawDelta(a.Yaw, b.Yaw)) >= xrAngleBand || absDiff(int(a.Pitch), int(b.Pitch)) >= xrAngleBand
}

// appendAims writes the aims that mask m says changed, against base b.
func appendAims(body []byte, b, c *XREntity, m uint8) []byte {
	if m&xrLAim != 0 {
		body = putSvarint(putSvarint(body, int64(yawDelta(b.LeftAim.Yaw, c.LeftAim.Yaw))), int64(c.LeftAim.Pitch)-int64(b.LeftAim.Pitch))
	}
	if m&xrRAim != 0 {
		body = putSvarint(putSvarint(body, int64(yawDelta(b.RightAim.Yaw, c.RightAim.Yaw))), int64(c.RightAim.Pitch)-int64(b.RightAim.Pitch))
	}
	return body
}

// aimCost is the bytes appendAims writes.
func aimCost(b, c *XREntity, m uint8) int {
	n := 0
	if m&xrLAim != 0 {
		n += uvarintLen(zigzag(int64(yawDelta(b.LeftAim.Yaw, c.LeftAim.Yaw)))) + uvarintLen(zigzag(int64(c.LeftAim.Pitch)-int64(b.LeftAim.Pitch)))
	}
	if m&xrRAim != 0 {
		n += uvarintLen(zigzag(int64(yawDelta(b.RightAim.Yaw, c.RightAim.Yaw)))) + uvarintLen(zigzag(int64(c.RightAim.Pitch)-int64(b.RightAim.Pitch)))
	}
	return n
}

// readAims decodes the aims mask m announces into e (which holds the
// baseline's values, or zeros for a new entity).
func readAims(r *reader, e *XREntity, m uint8) {
	for _, h := range [2]struct {
		bit uint8
		aim *XRAim
	}{{xrLAim, &e.LeftAim}, {xrRAim, &e.RightAim}} {
		if m&h.bit == 0 || r.err != nil {
			continue
		}
		d := r.svarint("xr.aim_yaw")
		if r.err == nil && (d < -HeadingSteps/2 || d >= HeadingSteps/2) {
			r.fail(CodeBadValue, "xr: aim yaw delta %d", d)
		}
		h.aim.Yaw = uint16((int64(h.aim.Yaw) + d) & (HeadingSteps - 1))
		v := int64(h.aim.Pitch) + r.svarint("xr.aim_pitch")
		if r.err == nil && (v < -XRPitchMax || v > XRPitchMax) {
			r.fail(CodeBadValue, "xr: aim pitch %d", v)
		}
		h.aim.Pitch = int16(v)
	}
}
