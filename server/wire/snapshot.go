package wire

import "math"

// Snapshot layout (docs/protocol.md §5):
//
//	u8 0x81 | uvarint id | uvarint baseline | uvarint tick | u8 sections
//	[globals]  u8 phase, u8 warnings[3]          sections bit 0
//	[entities] participants                      sections bit 1
//	[entities] NPCs                              sections bit 2
//	[tiles]    water                             sections bit 3
//	[tiles]    debris                            sections bit 4
//	[xr]       head and hand poses (xr.go)       sections bit 6, after the NPCs
//	[tiles]    landslide risk (risk.go)          sections bit 5

const (
	secGlobals      = 1
	secParticipants = 2
	secNPCs         = 4
	secWater        = 8
	secDebris       = 16
)

// Entity change mask bits.
const (
	chX       = 1
	chY       = 2
	chHeading = 4
	chStatus  = 8
	chFlags   = 16
	chStage   = 32
	chAll     = 63
)

func entityMask(b, c *Entity) uint8 {
	var m uint8
	if b.X != c.X {
		m |= chX
	}
	if b.Y != c.Y {
		m |= chY
	}
	if b.Heading != c.Heading {
		m |= chHeading
	}
	if b.Status != c.Status {
		m |= chStatus
	}
	if b.Flags != c.Flags {
		m |= chFlags
	}
	if b.Stage != c.Stage {
		m |= chStage
	}
	return m
}

// appendEntities writes the entity section for cur against base (both
// sorted by ID) and reports whether it is needed (anything changed). An
// entity missing from base is written against the zero entity.
func appendEntities(b []byte, base, cur []Entity) ([]byte, bool) {
	start := len(b)
	// changed entities
	nPos := len(b)
	b = append(b, 0, 0) // count placeholder (2-byte uvarint max; rewritten below)
	n := 0
	prev := -1
	i := 0
	var zero Entity
	for k := range cur {
		c := &cur[k]
		for i < len(base) && base[i].ID < c.ID {
			i++
		}
		bp := &zero
		if i < len(base) && base[i].ID == c.ID {
			bp = &base[i]
		}
		m := entityMask(bp, c)
		if m == 0 && bp != &zero {
			continue
		}
		b = putUvarint(b, uint64(int(c.ID)-prev-1))
		prev = int(c.ID)
		b = append(b, m)
		if m&chX != 0 {
			b = putSvarint(b, int64(c.X)-int64(bp.X))
		}
		if m&chY != 0 {
			b = putSvarint(b, int64(c.Y)-int64(bp.Y))
		}
		if m&chHeading != 0 {
			d := (int(c.Heading)-int(bp.Heading)+HeadingSteps/2)&(HeadingSteps-1) - HeadingSteps/2
			b = putSvarint(b, int64(d))
		}
		if m&chStatus != 0 {
			b = append(b, c.Status)
		}
		if m&chFlags != 0 {
			b = append(b, c.Flags)
		}
		if m&chStage != 0 {
			b = append(b, c.Stage)
		}
		n++
	}
	// removed entities
	var removed []uint32
	j := 0
	for k := range base {
		for j < len(cur) && cur[j].ID < base[k].ID {
			j++
		}
		if j >= len(cur) || cur[j].ID != base[k].ID {
			removed = append(removed, base[k].ID)
		}
	}
	if n == 0 && len(removed) == 0 {
		return b[:start], false
	}
	b = putUvarint(b, uint64(len(removed)))
	prev = -1
	for _, id := range removed {
		b = putUvarint(b, uint64(int(id)-prev-1))
		prev = int(id)
	}
	// rewrite the count as a minimal uvarint
	cnt := putUvarint(nil, uint64(n))
	if len(cnt) == 1 {
		copy(b[nPos:], b[nPos+1:])
		b = b[:len(b)-1]
		b[nPos] = cnt[0]
	} else {
		b[nPos], b[nPos+1] = cnt[0], cnt[1]
	}
	return b, true
}

// readEntities decodes an entity section against base; IDs are < limit.
// entityLabels names an entity list's fields in decode errors, built once:
// concatenating them for every entity of every snapshot was a twentieth of
// a loaded client's CPU.
type entityLabels struct {
	What, Changed, IDGap, Mask, X, Y, Heading, Status, Flags, Stage, Removed, RemovedGap string
}

func labelsFor(what string) *entityLabels {
	return &entityLabels{What: what, Changed: what + ".changed", IDGap: what + ".id_gap", Mask: what + ".mask",
		X: what + ".x", Y: what + ".y", Heading: what + ".heading", Status: what + ".status", Flags: what + ".flags",
		Stage: what + ".stage", Removed: what + ".removed", RemovedGap: what + ".removed_gap"}
}

var participantLabels, npcLabels = labelsFor("participants"), labelsFor("npcs")

func readEntities(r *reader, base []Entity, limit int, l *entityLabels) []Entity {
	what := l.What
	n := r.count(l.Changed, limit, 2)
	if r.err != nil {
		return nil
	}
	changed := make([]Entity, n)
	prev := -1
	i := 0
	for k := range changed {
		gap := r.uv(l.IDGap, uint64(limit))
		id := prev + 1 + int(gap)
		if r.err == nil && id >= limit {
			r.fail(CodeLimit, "%s: id %d ≥ %d", what, id, limit)
		}
		if r.err != nil {
			return nil
		}
		prev = id
		for i < len(base) && int(base[i].ID) < id {
			i++
		}
		e := Entity{ID: uint32(id)}
		if i < len(base) && int(base[i].ID) == id {
			e = base[i]
		}
		m := r.u8(l.Mask)
		if m&^chAll != 0 {
			r.fail(CodeBadValue, "%s: mask 0x%02x", what, m)
		}
		if m&chX != 0 {
			e.X = coord(r, int64(e.X), l.X)
		}
		if m&chY != 0 {
			e.Y = coord(r, int64(e.Y), l.Y)
		}
		if m&chHeading != 0 {
			d := r.svarint(l.Heading)
			if r.err == nil && (d < -HeadingSteps/2 || d >= HeadingSteps/2) {
				r.fail(CodeBadValue, "%s: heading delta %d", what, d)
			}
			e.Heading = uint16((int64(e.Heading) + d) & (HeadingSteps - 1))
		}
		if m&chStatus != 0 {
			e.Status = r.u8(l.Status)
			if e.Status > MaxStatus {
				r.fail(CodeBadValue, "%s: status %d", what, e.Status)
			}
		}
		if m&chFlags != 0 {
			e.Flags = r.u8(l.Flags)
			if e.Flags&0x80 != 0 {
				r.fail(CodeBadValue, "%s: flags 0x%02x", what, e.Flags)
			}
		}
		if m&chStage != 0 {
			e.Stage = r.u8(l.Stage)
			if e.Stage > MaxStage {
				r.fail(CodeBadValue, "%s: stage %d", what, e.Stage)
			}
		}
		changed[k] = e
	}
	nr := r.count(l.Removed, len(base), 1)
	if r.err != nil {
		return nil
	}
	// merge: base entries not changed and not removed, plus changed ones
	out := make([]Entity, 0, len(base)+len(changed))
	ci, bi := 0, 0
	prev = -1
	nextRemoved := func() int {
		if nr == 0 {
			return math.MaxInt
		}
		nr--
		gap := r.uv(l.RemovedGap, uint64(limit))
		prev = prev + 1 + int(gap)
		return prev
	}
	rem := nextRemoved()
	for bi < len(base) || ci < len(changed) {
		if r.err != nil {
			return nil
		}
		switch {
		case ci < len(changed) && (bi >= len(base) || changed[ci].ID < base[bi].ID):
			out = append(out, changed[ci])
			ci++
			continue
		case ci < len(changed) && changed[ci].ID == base[bi].ID:
			if int(base[bi].ID) == rem {
				r.fail(CodeBadBaseline, "%s: entity %d both changed and removed", what, rem)
				return nil
			}
			out = append(out, changed[ci])
			ci++
			bi++
			continue
		}
		// base entry alone
		id := int(base[bi].ID)
		for rem < id {
			r.fail(CodeBadBaseline, "%s: removed entity %d is not in the baseline", what, rem)
			return nil
		}
		if rem == id {
			rem = nextRemoved()
		} else {
			out = append(out, base[bi])
		}
		bi++
	}
	if r.err == nil && rem != math.MaxInt {
		r.fail(CodeBadBaseline, "%s: removed entity %d is not in the baseline", what, rem)
	}
	return out
}

func coord(r *reader, base int64, what string) int32 {
	d := r.svarint(what)
	v := base + d
	if r.err == nil && (d < -MaxCoord || d > MaxCoord || v < 0 || v >= MaxCoord) {
		r.fail(CodeBadValue, "%s: coordinate %d", what, v)
		return 0
	}
	return int32(v)
}

// Tile modes.
const (
	tileZero     = 0 // every cell 0
	tileSpatial  = 1 // residuals against the left neighbour (column 0: the cell above), zero-run coded
	tileTemporal = 2 // uvarint age of the base version, then the change from it, coded like mode 1
)

// TileHistory is how many versions of each tile a decoder keeps; an
// encoder sends a temporal tile only against a version at most
// TileHistory−1 sends old.
const TileHistory = 4

func pred(t *[TileSize * TileSize]int32, r, c int) int32 {
	switch {
	case c > 0:
		return t[r*TileSize+c-1]
	case r > 0:
		return t[(r-1)*TileSize]
	}
	return 0
}

// appendResiduals writes the w×h cells of v as zero-run coded residuals
// against the left neighbour (column 0: the cell above; the first: 0):
// repeat { uvarint zeros; if the tile is done stop; svarint residual ≠ 0 }.
func appendResiduals(b []byte, v *[TileSize * TileSize]int32, w, h int) []byte {
	n := w * h
	res := func(p int) int32 {
		r, c := p/w, p%w
		return v[r*TileSize+c] - pred(v, r, c)
	}
	for p := 0; p < n; {
		z := 0
		for p+z < n && res(p+z) == 0 {
			z++
		}
		b = putUvarint(b, uint64(z))
		p += z
		if p == n {
			break
		}
		b = putSvarint(b, int64(res(p)))
		p++
	}
	return b
}

func readResiduals(r *reader, v *[TileSize * TileSize]int32, w, h int, what string) {
	n := w * h
	for p := 0; p < n; {
		z := r.uv(what+".run", uint64(n-p))
		if r.err != nil {
			return
		}
		for ; z > 0; z-- {
			row, c := p/w, p%w
			v[row*TileSize+c] = pred(v, row, c)
			p++
		}
		if p == n {
			return
		}
		d := r.svarint(what + ".residual")
		row, c := p/w, p%w
		x := int64(pred(v, row, c)) + d
		if r.err == nil && (d == 0 || x < -0xffff || x > 0xffff) {
			r.fail(CodeBadValue, "%s: residual %d gives %d", what, d, x)
		}
		if r.err != nil {
			return
		}
		v[row*TileSize+c] = int32(x)
		p++
	}
}

// tileUpdate is one tile of one layer in a snapshot.
type tileUpdate struct {
	layer  int
	index  int
	tile   *Tile  // the new value; nil = zeros
	base   *Tile  // temporal mode: the value of version baseID (nil = zeros)
	baseID uint32 // temporal mode: the version it is a change from
	mode   uint8
}

// appendTile writes a tile update of snapshot id: its mode and payload.
func appendTile(b []byte, g Grid, id uint32, u *tileUpdate) []byte {
	_, _, w, h := g.tileRect(u.index)
	b = append(b, u.mode)
	var v [TileSize * TileSize]int32
	switch u.mode {
	case tileZero:
		return b
	case tileSpatial:
		for i, x := range u.tile {
			v[i] = int32(x)
		}
	case tileTemporal:
		b = putUvarint(b, uint64(id-u.baseID))
		t, base := orZero(u.tile), orZero(u.base)
		for i := range v {
			v[i] = int32(t[i]) - int32(base[i])
		}
	}
	return appendResiduals(b, &v, w, h)
}

func orZero(t *Tile) *Tile {
	if t == nil {
		return &zeroTile
	}
	return t
}

// tileSource finds a version of a tile a temporal update refers to.
type tileSource func(layer, index int, version uint32) (*Tile, bool)

// readTile reads a tile update of snapshot id; nil means all zeros.
func readTile(r *reader, g Grid, id uint32, layer, idx int, src tileSource, what string) *Tile {
	mode := r.u8(what + ".mode")
	if r.err != nil {
		return nil
	}
	_, _, w, h := g.tileRect(idx)
	var v [TileSize * TileSize]int32
	var base *Tile
	switch mode {
	case tileZero:
		return nil
	case tileSpatial:
		base = &zeroTile
	case tileTemporal:
		age := r.uv(what+".base_age", uint64(id))
		if r.err == nil && age == 0 {
			r.fail(CodeBadValue, "%s: base age 0", what)
		}
		if r.err != nil {
			return nil
		}
		t, ok := src(layer, idx, id-uint32(age))
		if !ok {
			r.fail(CodeBadBaseline, "%s: tile %d version %d not held", what, idx, id-uint32(age))
			return nil
		}
		base = orZero(t)
	default:
		r.fail(CodeBadValue, "%s: tile mode %d", what, mode)
		return nil
	}
	readResiduals(r, &v, w, h, what)
	if r.err != nil {
		return nil
	}
	t := new(Tile)
	nz := false
	for row := 0; row < h; row++ {
		for c := 0; c < w; c++ {
			i := row*TileSize + c
			x := int32(base[i]) + v[i]
			if x < 0 || x > 0xffff {
				r.fail(CodeBadValue, "%s: cell value %d", what, x)
				return nil
			}
			t[i] = uint16(x)
			nz = nz || x != 0
		}
	}
	if !nz {
		return nil
	}
	return t
}

// appendTiles writes a tile section: the updates must be in index order.
func appendTiles(b []byte, g Grid, id uint32, ups []tileUpdate) []byte {
	b = putUvarint(b, uint64(len(ups)))
	prev := -1
	for i := range ups {
		b = putUvarint(b, uint64(ups[i].index-prev-1))
		prev = ups[i].index
		b = appendTile(b, g, id, &ups[i])
	}
	return b
}

func readTiles(r *reader, g Grid, id uint32, layer int, src tileSource, ups []tileUpdate, what string) []tileUpdate {
	nt := g.NumTiles()
	n := r.count(what, nt, 2)
	prev := -1
	for k := 0; k < n && r.err == nil; k++ {
		idx := prev + 1 + int(r.uv(what+".gap", uint64(nt)))
		if r.err == nil && idx >= nt {
			r.fail(CodeLimit, "%s: tile %d ≥ %d", what, idx, nt)
			break
		}
		prev = idx
		t := readTile(r, g, id, layer, idx, src, what)
		ups = append(ups, tileUpdate{layer: layer, index: idx, tile: t})
	}
	return ups
}
