// Package landslide models rain-triggered shallow landslides on a grid:
// rain → infiltration → water above the failure plane → infinite-slope
// factor of safety → failure of weak clusters → runout of the debris, with
// the precursor signs people can see and hear before a slope goes.
//
// It depends only on engine/dmath and engine/statehash and is built from
// plain slices:
//
//	m, err := landslide.New(nx, ny, dx, bed, zone, soils, landslide.DefaultParams())
//	m.SetRain(50e-3 / 3600)          // m/s
//	events := m.Advance(dt)          // hazard seconds
//	m.FS(i); m.Saturation(i)         // heat map
//	m.Runoff()                       // m/s per cell, for the flood model
//	m.DebrisDepth(i); m.DebrisAt(x, y)
//	for _, s := range m.Slides() { s.InPath(x, y, margin); s.Lateral(x, y) }
//	m.HashInto(h)
//
// Grids follow docs/architecture.md: i = r*nx + c with row 0 north, x east
// and y south in metres, cell centres at ((c+0.5)dx, (r+0.5)dx).
//
// # Soil and slope
//
// zone[i] indexes soils. Zone 0 is bedrock or pavement: it sheds all rain
// and never fails (soils[0] is a placeholder). The slope of a cell is the
// magnitude of the bed gradient by central differences (one-sided on the
// grid edge); the downslope direction is minus that gradient.
//
// # Water
//
// Rain infiltrates by Green–Ampt, f = Ks(1 + ψf·Δθ/F) with F the cumulative
// infiltration, integrated over each sub-step by the trapezoidal rule,
// which needs only a square root (see greenAmptCapacity). Infiltrated water
// is stored above the failure plane and sets m = stored/(Δθ·z), clipped to
// 1; once the soil is full, more rain runs off (saturation excess). An
// optional slow drainage (Params.Drainage·Ks·m) lets a slope recover. Rain
// that does not infiltrate is Runoff. Params.M0 sets an initial m, as after
// days of rain; that water also counts towards F.
//
// # Failure
//
// The factor of safety is the infinite slope with slope-parallel seepage,
//
//	FS = [c′ + (γ − m γw) z cos²β tanφ′] / (γ z sinβ cosβ),
//
// reported up to FSMax (flat ground and bedrock report FSMax). A
// 4-connected cluster of at least Params.MinCells live cells with FS < 1
// fails as one Slide; smaller clusters wait for neighbours to join them. A
// failed cell is a bare scar: it sheds rain and keeps the FS it failed at.
//
// # Precursor cues
//
// Each cue kind watches the 4-connected clusters (MinCells or more) of live
// cells at or below its threshold — by default cracks at FS 1.15, a bulging
// toe at 1.10, tilting trees at 1.08, small rockfalls at 1.05 and rumbling
// at 1.03, and a muddy spring where the cracking cluster is also wet (m ≥
// 0.5). A cue appears once per cluster and is reported again as it
// intensifies, at each quarter of the way from its threshold to FS = 1.
// Because FS falls with m, the lead time of a cue is the time the rain
// needs to fill the soil from the cue's level to the failure level: long
// under light rain, short under a cloudburst. Cues stay once shown (cracks
// do not heal). See cues.go for where each sign is placed.
//
// # Runout
//
// The reach follows Corominas (1996): log10(H/L) = A + B·log10 V with A, B
// of Params.Type and, with Params.WorstCase, the lower 95 % limit. The path
// starts at the crown, the highest source cell (nearest the centroid on
// ties), since H and L are measured from the crown, and follows D8 steepest
// descent through the bed, keeping its heading over flat or rising ground.
// The energy line z_crown − (H/L)·s falls along it; where it meets the
// ground the debris stops, so L is exact for the path, and H/L holds. The
// front moves at the speed of a block sliding under that line, v = √(2g·Δh)
// with Δh the line's height above the ground, clamped to [MinSpeed,
// MaxSpeed]: slow at the crown, fastest below the steepest drop, slowing
// to a stop at the tip. Debris covers the cells beyond the source's toe,
// up to L along the path and within HalfWidth across it (Params.Spread
// times the source's half-width, at least one cell), to an even depth that
// conserves the source volume Σ z·dx². Until the front reaches them the
// moving mass rides in the source, then in the snout just behind the front,
// so DebrisDepth sums to the volume at every instant. Slide.Lateral and
// Slide.InPath tell whether a person left the footprint sideways.
//
// # Determinism
//
// No clocks, goroutines, maps or package-math transcendentals: products
// that are then added are written float64(a*b) + c so that arm64 cannot
// fuse them, and Tan, Log10 and Pow come from engine/dmath. Advance(dt)
// splits dt into ceil(dt/MaxStep) equal sub-steps, so two runs that call
// Advance with the same sequence of dt values hash alike.
package landslide
