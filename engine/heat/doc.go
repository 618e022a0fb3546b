// Package heat models hot weather and what it does to people: weather curves
// over hazard time, the NWS heat index, wet-bulb globe temperature (WBGT) in
// shade and sun, ACSM activity advice, and a per-person heat-balance body
// model that sweats, dehydrates and moves through heat exhaustion to heat
// stroke, and back again under first aid.
//
// Everything here is deterministic: transcendentals come from engine/dmath,
// every product that is then added is written float64(a*b)+c so that arm64
// cannot fuse it, iterations run a fixed number of times, and nothing reads
// a clock. The physics and its sources are in
// /work/shared/reference/hazard-science.md section 3; each function names
// the formula it follows.
package heat

import "github.com/rescuedrill/rescuedrill/engine/text"

// Text is one message in the two languages the drills ship with.
type Text = text.Text
