// Package flood is RescueDrill's surface-water model: the local-inertial
// shallow-water scheme of Bates, Horritt & Fewtrell (2010), the "ACC"
// solver of LISFLOOD-FP, with the q-centred weighting θ of de Almeida et
// al. (2012), on a square grid, with edge boundaries, rain, point sources
// and drains, and the FD2321 flood hazard rating for people.
//
// It knows nothing of terrain files: a model is built from plain slices in
// the engine's grid layout (row-major, i = r*nx + c, row 0 north; world x
// east and y south in metres, cell (c, r) centred at ((c+½)Δx, (r+½)Δx)).
//
// # API
//
//	m, err := flood.New(nx, ny, dx, bed, manning, blocked, flood.DefaultParams())
//	m.SetInitial(depth)              // standing water, before the first Advance
//	m.AddBoundary(flood.Boundary{Edge: flood.West, From: 10, To: 20,
//		Kind: flood.Discharge, Series: []flood.Point{{0, 0}, {3600, 40}}})
//	m.AddPointSource(cell, series)   // m³/s into one cell (negative: a pump)
//	m.SetRain(50e-3 / 3600)          // m/s on every open cell; SetRainField per cell
//	m.AddRunoff(depths)              // m of water added at once (another model's excess)
//	m.SetDrains(10e-3 / 3600)        // m/s taken from every wet cell
//	err = m.Advance(dt)              // hazard seconds, in CFL sub-steps
//	m.Depth(i), m.DepthAt(x, y), m.Velocity(i), m.VelocityAt(x, y), m.Speed(i)
//	m.Depths()                       // read-only view for rendering and .asc output
//	m.MassBalance()                  // Volume, Initial, In, Out, Drained, Error
//	m.HashInto(h)                    // state hash
//	flood.Rate(d, v, flood.Urban)    // HR = d(v+0.5) + DF, then ClassOf(hr).Label("zh-CN")
//	flood.AIDRClass(d, v)            // Australian H1–H6 as 1–6
//
// Boundaries are WaterLevel (a stage, m a.s.l., on the edge line),
// Discharge (m³/s over the segment) or FreeOutflow (normal depth for a
// given slope, or critical outflow); series are linear between points and
// flat past their ends. Edges without a boundary are walls, and so are the
// faces of blocked cells (buildings).
//
// # Numerics
//
// Per face, with h_f = max(η₀, η₁) − max(z₀, z₁) clipped to MaxFlowDepth:
//
//	q ← [θ q + ½(1−θ)(q_up + q_down) + g Δt h_f (η₀ − η₁)/Δx]
//	    / [1 + g Δt n² |q⃗| / h_f^(7/3)]
//
// and no flux where h_f ≤ MinFlowDepth; |q⃗| adds the mean of the four
// perpendicular faces, n is the mean of the two cells'. Then per cell
// h ← h + Δt Σq/Δx. The sub-step is Δt = α Δx / √(g h_max), h_max
// including what the boundaries bring, capped at MaxStep, with the last
// sub-step of an Advance shortened to land on the requested time.
//
// Wetting and drying: a cell whose outgoing fluxes would take more water
// than it holds in a sub-step has them all scaled down in proportion. Each
// face is outgoing from one cell only, so this is order-independent and
// exact: no negative depth, no water made or lost. The budget is kept with
// compensated sums; its Error is ~1e-15 of the inflow in the tests, held
// to 1e-6.
//
// # Accuracy (the tests, with their tolerances)
//
//   - Worked checks of the reference: q = 0.0981 m²/s, Δt = 1.5803 s.
//   - Hunter et al. (2005) front, n = 0.01, u = 1 m/s, 25 m cells, 3600 s:
//     1 mm, 4 mm, 1.3 cm, 5.4 cm low at x = 0, 1000, 2000, 3000 m; dry at
//     3500 m (analytic 0.20 m) with the front at 3375 m, not 3600 m. The
//     scheme has no advection term; this solution has uniform velocity, so
//     the scheme misses a force of relative size Fr² = u²/(gh), 0.11 at the
//     inflow and unbounded at the toe. At n = 0.05, u = 0.5 (Fr² ≈ 0.02)
//     every point is within 2 cm and the front within 3 cells.
//     WaterLevel takes its stage on the edge line, half a cell from the
//     edge cell's centre; a ghost cell a whole cell out starved this inflow.
//   - Dam break on a dry frictionless bed: without advection the signal
//     speed is ±√(gh), so the front cannot run out at Ritter's 2√(gh₀):
//     it forms a bore. For h₀ = 1 m the exact local-inertial solution is
//     a 0.618 m plateau up to a shock moving at √(g h*/2) = 1.74 m/s; the
//     model is within 3.5 cm of it, its front 16% ahead of the shock.
//     Against Ritter the depth at the dam is +0.14 m (0.59 m, not 4/9 m)
//     and the front covers a third of the distance. Use this model for
//     floods with friction (streets, fields: n ≳ 0.02); a dam-break wave
//     in a drill arrives late.
//   - Thacker's planar bowl: at σ = 0.1 (Fr² ≈ 0.02) a mean depth error of
//     1.4–1.6% of h₀ over a period; at the reference σ = 0.5 (Fr² ≈ 0.5)
//     10–23%, with the slosh decaying to 60% in a period.
//   - Manning normal depth in a sloping channel: exact to 4 digits.
//
// # Determinism and speed
//
// The model runs on one goroutine, uses no clock, map order or random
// numbers, and writes every product that is then added as float64(a*b) + c
// — also where the product reaches the addition through a variable or an
// inlined call, since Go may fuse across statements — so arm64 cannot fuse
// it into an FMA. It needs no transcendental function: h_f^(−7/3) and the
// critical depth come from a table seed and Newton steps of IEEE multiplies
// (invCbrt, 2e-11 relative). TestGoldenHash pins the state hash of a run
// that exercises every path; it passes under GOARCH=arm64 (qemu) too. HashInto folds a digest of the configuration, the time,
// every depth and face flux, and the budget.
//
// The solver streams each array once per sub-step in a single row sweep,
// updating fluxes in place, and skips rows and columns more than a cell
// away from any cell that has ever been wet (bit-identical to a full sweep;
// rain turns skipping off, as it wets everything). Each face's higher bed
// and n² are computed once, in New; the limiter skips every cell deeper
// than four times the row's largest |q| Δt/Δx, which no outflow can empty.
// Both give the same bits as the plain formulas.
//
// On amd64 with AVX2 the face fluxes, the depth update (without drains)
// and the limiter's deep-cell test run four at a time in assembly
// (flux_amd64.s, cells_amd64.s): the Go loops' operations in the Go
// loops' order, no FMA, branches as masks that give the same values, so
// the same bits as the portable loops that arm64 runs (TestSIMDMatchesGo).
// That takes a sub-step from ~227 to ~47 instructions per cell
// (docs/BENCHMARKS.md).
package flood
