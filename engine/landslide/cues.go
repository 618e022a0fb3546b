package landslide

import "math"

// Cues are read off the same factor of safety that decides failure, so
// their lead time follows from the physics: a slope that loses strength
// slowly (light rain) shows its cracks long before it goes, a slope under a
// cloudburst only shortly before. Each cue kind watches the 4-connected
// clusters of live soil cells at or below its own threshold (MinCells or
// more), and places the sign where it shows on a real slope, relative to
// the weakest cell of the cluster:
//
//	Crack          at the crown: climb by steepest ascent within the cluster
//	BulgingToe     at the toe: descend by steepest descent within the cluster
//	MuddySpring    at the toe of the cluster that is also wet (m ≥ SpringM)
//	TiltingTrees   at the weakest cell, where the mass creeps most
//	Rumbling       at the weakest cell
//	SmallRockfall  at the steepest cell on the descent from the weakest cell
//
// Ties go to the lower cell index. A cluster's level for a cue is the
// highest level of its cells, so when clusters merge or grow the sign is not
// repeated; it is only reported again (CueIntensified) when its intensity
// passes the next quarter.

// cueLevels is the number of levels after appearing: quarters 0–4.
const cueLevels = 4

func (m *Model) cueThreshold(k CueKind) float64 {
	switch k {
	case Crack, MuddySpring:
		return m.p.CrackFS
	case BulgingToe:
		return m.p.BulgeFS
	case TiltingTrees:
		return m.p.TiltFS
	case SmallRockfall:
		return m.p.RockfallFS
	}
	return m.p.RumbleFS
}

// detectCues appends the cue events of the current state.
func (m *Model) detectCues(ev []Event) []Event {
	for k := CueKind(0); k < NumCues; k++ {
		thr := m.cueThreshold(k)
		keep := func(i int) bool { return m.live(i) && m.fs[i] <= thr }
		if k == MuddySpring {
			keep = func(i int) bool {
				return m.live(i) && m.fs[i] <= thr && m.saturation(i) >= m.p.SpringM
			}
		}
		m.components(keep, func(id uint32, cells []int32) {
			if len(cells) < m.p.MinCells {
				return
			}
			ev = m.cue(ev, k, thr, id, cells)
		})
	}
	return ev
}

// cue raises cue k on one cluster if it passed a new level.
func (m *Model) cue(ev []Event, k CueKind, thr float64, id uint32, cells []int32) []Event {
	weak, fsMin, wet := -1, 0.0, 0.0
	var have uint8
	for _, c := range cells {
		i := int(c)
		if weak < 0 || m.fs[i] < fsMin || m.fs[i] == fsMin && i < weak {
			weak, fsMin = i, m.fs[i]
		}
		if k == MuddySpring {
			wet = max(wet, m.saturation(i))
		}
		have = max(have, m.cueLvl[i*int(NumCues)+int(k)])
	}
	var intensity float64
	if k == MuddySpring {
		intensity = 1
		if m.p.SpringM < 1 {
			intensity = (wet - m.p.SpringM) / (1 - m.p.SpringM)
		}
	} else {
		intensity = (thr - fsMin) / (thr - 1)
	}
	intensity = math.Min(math.Max(intensity, 0), 1)
	lvl := 1 + uint8(math.Min(math.Floor(intensity*cueLevels), cueLevels))
	if lvl > have {
		var at int
		switch k {
		case Crack:
			at = m.walk(weak, id, +1)
		case BulgingToe, MuddySpring:
			at = m.walk(weak, id, -1)
		case SmallRockfall:
			at = m.steepestOnDescent(weak, id)
		default:
			at = weak
		}
		kind := CueIntensified
		if have == 0 {
			kind = CueAppeared
		}
		x, y := m.centre(at)
		ev = append(ev, Event{Kind: kind, Cell: at, X: x, Y: y, Cue: k, Intensity: intensity, T: m.t})
		have = lvl
	}
	for _, c := range cells {
		m.cueLvl[int(c)*int(NumCues)+int(k)] = have
	}
	return ev
}

// live reports whether cell i is soil that has not failed yet.
func (m *Model) live(i int) bool { return m.active[i] && !m.failed[i] }

// d8 lists the 8 neighbours in a fixed order (row step, column step); the
// order breaks ties between equally steep neighbours.
var d8 = [8][2]int{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}

// step returns the D8 neighbour of i that is steepest in direction sign
// (+1 up, −1 down) among cells with mark == id (any cell if id == 0), and
// false if none is strictly higher (lower).
func (m *Model) step(i int, id uint32, sign float64) (int, bool) {
	r, c := i/m.nx, i%m.nx
	best, bestG := -1, 0.0
	for _, d := range d8 {
		rr, cc := r+d[0], c+d[1]
		if rr < 0 || rr >= m.ny || cc < 0 || cc >= m.nx {
			continue
		}
		j := rr*m.nx + cc
		if id != 0 && m.mark[j] != id {
			continue
		}
		dist := m.dx
		if d[0] != 0 && d[1] != 0 {
			dist = float64(m.dx * math.Sqrt2)
		}
		g := sign * (m.bed[j] - m.bed[i]) / dist
		if g > bestG {
			best, bestG = j, g
		}
	}
	return best, best >= 0
}

// walk climbs (sign +1) or descends (−1) from i within cluster id to the
// highest (lowest) cell it reaches. The bed strictly rises (falls) along
// the walk, so it ends.
func (m *Model) walk(i int, id uint32, sign float64) int {
	for {
		j, ok := m.step(i, id, sign)
		if !ok {
			return i
		}
		i = j
	}
}

// steepestOnDescent returns the steepest cell on the descent from i to the
// toe of cluster id, i included; the first one wins ties.
func (m *Model) steepestOnDescent(i int, id uint32) int {
	best := i
	for {
		j, ok := m.step(i, id, -1)
		if !ok {
			return best
		}
		i = j
		if m.tanB[i] > m.tanB[best] {
			best = i
		}
	}
}

// components calls fn for every 4-connected component of cells that pass
// keep, in order of the component's smallest cell index, which is also the
// seed its breadth-first search starts from. keep must imply membership of
// m.weak (ascending), so keep is asked once per weak cell and the search
// itself reads a flag. Cells of the component carry mark == id while fn
// runs, which lets fn test membership. cells is scratch, valid only during
// the call.
func (m *Model) components(keep func(int) bool, fn func(id uint32, cells []int32)) {
	if m.seq > math.MaxUint32-uint32(len(m.mark))-1 {
		clear(m.mark) // ids would wrap; start again from a clean sheet
		m.seq = 0
	}
	for _, s := range m.weak {
		m.in[s] = keep(int(s))
	}
	base := m.seq
	nx, last := m.nx, len(m.mark)-m.nx
	for _, s := range m.weak {
		if !m.in[s] || m.mark[s] > base {
			continue
		}
		m.seq++
		id := m.seq
		m.mark[s] = id
		q := append(m.queue[:0], s)
		for h := 0; h < len(q); h++ {
			i := int(q[h])
			c := i % nx
			// Neighbours north, west, east, south, each if on the grid.
			for k, j := range [4]int{i - nx, i - 1, i + 1, i + nx} {
				if k == 0 && i < nx || k == 1 && c == 0 || k == 2 && c == nx-1 || k == 3 && i >= last {
					continue
				}
				if m.in[j] && m.mark[j] <= base {
					m.mark[j] = id
					q = append(q, int32(j))
				}
			}
		}
		m.queue = q
		fn(id, q)
	}
	for _, s := range m.weak {
		m.in[s] = false
	}
}
