package wire

import "math"

// Pose is what a client sends every input tick (as a datagram, or framed on
// the stream when datagrams are unavailable): its snapshot acks and its
// intent. The server turns it into engine.InputMove / engine.InputLook
// inputs for the tick it applies it at.
type Pose struct {
	Ack      uint32 // newest snapshot ID decoded, 0 for none
	AckBits  uint32 // bit i set: snapshot Ack−1−i was decoded too
	Seq      uint64 // input sequence, +1 per Pose; older or repeated ones are dropped
	TickHint uint64 // the server tick the client is showing
	MoveX    int16  // desired direction east, thousandths (−1000…1000)
	MoveY    int16  // desired direction south, thousandths
	Heading  uint16 // view heading, hundredths of a degree clockwise from north (0…35999)
	Run      bool
	Head     *XRPose    // headset pose, optional
	Hands    *[2]XRPose // left and right hand or controller, optional
}

// XRPose is a tracked pose relative to the participant's feet: position in
// millimetres (x east, y up, z south) and orientation as a quaternion
// packed smallest-three (PackQuat).
type XRPose struct {
	X, Y, Z int16
	Rot     uint32
}

// Pose flag bits.
const (
	poseRun   = 1
	poseHead  = 2
	poseHands = 4
)

func (*Pose) Type() Type { return TypePose }

func (m *Pose) appendPayload(b []byte) []byte {
	b = putUvarint(b, uint64(m.Ack))
	b = putU32(b, m.AckBits)
	b = putUvarint(b, m.Seq)
	b = putUvarint(b, m.TickHint)
	b = putI16(b, m.MoveX)
	b = putI16(b, m.MoveY)
	b = putU16(b, m.Heading)
	var f uint8
	if m.Run {
		f |= poseRun
	}
	if m.Head != nil {
		f |= poseHead
	}
	if m.Hands != nil {
		f |= poseHands
	}
	b = putU8(b, f)
	if m.Head != nil {
		b = putXR(b, m.Head)
	}
	if m.Hands != nil {
		b = putXR(b, &m.Hands[0])
		b = putXR(b, &m.Hands[1])
	}
	return b
}

func putXR(b []byte, p *XRPose) []byte {
	return putU32(putI16(putI16(putI16(b, p.X), p.Y), p.Z), p.Rot)
}

func readXR(r *reader) XRPose {
	return XRPose{X: r.i16("xr.x"), Y: r.i16("xr.y"), Z: r.i16("xr.z"), Rot: r.u32("xr.rot")}
}

func (m *Pose) decode(r *reader) {
	m.Ack = uint32(r.uv("pose.ack", math.MaxUint32))
	m.AckBits = r.u32("pose.ack_bits")
	m.Seq = r.uvarint("pose.seq")
	m.TickHint = r.uv("pose.tick_hint", MaxTick)
	m.MoveX = r.i16("pose.move_x")
	m.MoveY = r.i16("pose.move_y")
	m.Heading = r.u16("pose.heading")
	if r.err == nil && (m.MoveX < -1000 || m.MoveX > 1000 || m.MoveY < -1000 || m.MoveY > 1000 || m.Heading >= 36000) {
		r.fail(CodeBadValue, "pose move %d,%d heading %d", m.MoveX, m.MoveY, m.Heading)
	}
	f := r.u8("pose.flags")
	if f&^7 != 0 {
		r.fail(CodeBadValue, "pose.flags 0x%02x", f)
	}
	m.Run = f&poseRun != 0
	if f&poseHead != 0 {
		h := readXR(r)
		m.Head = &h
	}
	if f&poseHands != 0 {
		var hs [2]XRPose
		hs[0] = readXR(r)
		hs[1] = readXR(r)
		m.Hands = &hs
	}
}

// PackQuat packs a unit quaternion (x, y, z, w) smallest-three: bits 30–31
// hold the index of the largest component (which is made positive and
// dropped), bits 20–29, 10–19 and 0–9 the other three in index order,
// each mapped from [−1/√2, 1/√2] to 0…1023. Error < 0.0014 per component.
func PackQuat(x, y, z, w float64) uint32 {
	q := [4]float64{x, y, z, w}
	n := math.Sqrt(x*x + y*y + z*z + w*w)
	if n == 0 {
		return 3 << 30 // identity
	}
	big := 0
	for i := 1; i < 4; i++ {
		if math.Abs(q[i]) > math.Abs(q[big]) {
			big = i
		}
	}
	s := 1 / n
	if q[big] < 0 {
		s = -s
	}
	v := uint32(big) << 30
	shift := 20
	for i := 0; i < 4; i++ {
		if i == big {
			continue
		}
		c := q[i] * s * math.Sqrt2 // −1…1
		k := math.Round((c + 1) * 511.5)
		k = math.Max(0, math.Min(1023, k))
		v |= uint32(k) << shift
		shift -= 10
	}
	return v
}

// UnpackQuat reverses PackQuat.
func UnpackQuat(v uint32) (x, y, z, w float64) {
	var q [4]float64
	big := int(v >> 30)
	shift := 20
	sum := 0.0
	for i := 0; i < 4; i++ {
		if i == big {
			continue
		}
		k := float64((v >> shift) & 1023)
		q[i] = (k/511.5 - 1) / math.Sqrt2
		sum += q[i] * q[i]
		shift -= 10
	}
	q[big] = math.Sqrt(math.Max(0, 1-sum))
	return q[0], q[1], q[2], q[3]
}
