package wire

import (
	"hash/fnv"
	"math"
)

// NoElev marks a cell without elevation in Terrain.Elev.
const NoElev = math.MaxUint16

// Terrain carries the map: elevation in centimetres above BaseCM and the
// land-use class of every cell, row-major (row 0 north). It follows the
// Welcome unless the client already holds a terrain with the same hash.
type Terrain struct {
	Hash    uint64 // FNV-1a 64 of the payload after this field; set by Marshal
	Grid    Grid
	BaseCM  int64    // elevation of value 0, cm above datum
	Elev    []uint16 // NX·NY, cm above BaseCM; NoElev = no data
	LandUse []uint8  // NX·NY land-use classes (terrain.LandUse), or nil
}

func (*Terrain) Type() Type { return TypeTerrain }

func (m *Terrain) body(b []byte) []byte {
	b = putGrid(b, m.Grid)
	b = putSvarint(b, m.BaseCM)
	b = putBytes(b, encodeGrid16(m.Grid, m.Elev))
	if m.LandUse == nil {
		return putU8(b, 0)
	}
	b = putU8(b, 1)
	return putBytes(b, encodeRuns8(m.LandUse))
}

func (m *Terrain) appendPayload(b []byte) []byte {
	body := m.body(nil)
	h := fnv.New64a()
	h.Write(body)
	m.Hash = h.Sum64()
	return append(putU64(b, m.Hash), body...)
}

func (m *Terrain) decode(r *reader) {
	m.Hash = r.u64("terrain.hash")
	if r.err == nil {
		h := fnv.New64a()
		h.Write(r.b[r.off:])
		if h.Sum64() != m.Hash {
			r.fail(CodeBadValue, "terrain: hash mismatch")
			return
		}
	}
	m.Grid = readGrid(r, "terrain.grid")
	m.BaseCM = r.svarint("terrain.base_cm")
	ev := r.bytes("terrain.elev", MaxEncodedGrid)
	if r.err != nil {
		return
	}
	m.Elev = decodeGrid16(r, m.Grid, ev)
	switch r.u8("terrain.has_land_use") {
	case 0:
	case 1:
		lu := r.bytes("terrain.land_use", MaxEncodedGrid)
		if r.err == nil {
			m.LandUse = decodeRuns8(r, m.Grid.NX*m.Grid.NY, lu)
		}
	default:
		r.fail(CodeBadValue, "terrain.has_land_use")
	}
}

// encodeGrid16 codes row-major values as residuals against the left cell
// (column 0: the cell above; the first cell: 0), zero-run coded like a
// tile (§5.4) over the whole grid.
func encodeGrid16(g Grid, v []uint16) []byte {
	var b []byte
	n := g.NX * g.NY
	res := func(p int) int {
		switch r, c := p/g.NX, p%g.NX; {
		case c > 0:
			return int(v[p]) - int(v[p-1])
		case r > 0:
			return int(v[p]) - int(v[p-g.NX])
		}
		return int(v[p])
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

func decodeGrid16(outer *reader, g Grid, data []byte) []uint16 {
	r := &reader{b: data}
	n := g.NX * g.NY
	v := make([]uint16, n)
	pr := func(p int) int64 {
		switch row, c := p/g.NX, p%g.NX; {
		case c > 0:
			return int64(v[p-1])
		case row > 0:
			return int64(v[p-g.NX])
		}
		return 0
	}
	for p := 0; p < n; {
		z := int(r.uv("terrain.elev.run", uint64(n-p)))
		for ; z > 0; z-- {
			v[p] = uint16(pr(p))
			p++
		}
		if r.err != nil || p == n {
			break
		}
		d := r.svarint("terrain.elev.residual")
		x := pr(p) + d
		if r.err == nil && (d == 0 || x < 0 || x > math.MaxUint16) {
			r.fail(CodeBadValue, "terrain.elev: residual %d gives %d", d, x)
		}
		if r.err != nil {
			break
		}
		v[p] = uint16(x)
		p++
	}
	if err := r.end("terrain.elev"); err != nil {
		outer.fail(err.Code, "%s", err.Msg)
		return nil
	}
	return v
}

// encodeRuns8 codes bytes as (uvarint run length ≥ 1, u8 value) pairs.
func encodeRuns8(v []uint8) []byte {
	var b []byte
	for p := 0; p < len(v); {
		k := 1
		for p+k < len(v) && v[p+k] == v[p] {
			k++
		}
		b = putUvarint(b, uint64(k))
		b = append(b, v[p])
		p += k
	}
	return b
}

func decodeRuns8(outer *reader, n int, data []byte) []uint8 {
	r := &reader{b: data}
	v := make([]uint8, n)
	for p := 0; p < n && r.err == nil; {
		k := int(r.uv("terrain.land_use.run", uint64(n-p)))
		x := r.u8("terrain.land_use.value")
		if r.err == nil && k == 0 {
			r.fail(CodeMalformed, "terrain.land_use: empty run")
		}
		for ; k > 0; k-- {
			v[p] = x
			p++
		}
	}
	if err := r.end("terrain.land_use"); err != nil {
		outer.fail(err.Code, "%s", err.Msg)
		return nil
	}
	return v
}
