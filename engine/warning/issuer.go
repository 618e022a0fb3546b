package warning

import (
	"strconv"

	"github.com/rescuedrill/rescuedrill/engine/statehash"
)

// Source says why a warning changed.
type Source int

const (
	// Threshold: a tracker's reading crossed a criterion.
	Threshold Source = iota
	// Inject: the scenario script or the facilitator issued it.
	Inject
)

func (s Source) String() string {
	if s == Inject {
		return "inject"
	}
	return "threshold"
}

// Reading is a tracker's verdict for one hazard.
type Reading struct {
	Hazard Hazard
	Level  Level
}

// Warning is one change of a hazard's warning: an issue, an upgrade, a
// downgrade, or the lifting (Level None).
type Warning struct {
	ID     string // issuer-unique, e.g. "rainstorm-3"
	Hazard Hazard
	Level  Level   // the level now in force; None when lifted
	Prev   Level   // the level before
	Issued float64 // hazard seconds
	Source Source
	Inject string // the inject's ID when Source is Inject
}

// Lifted reports whether this is the all-clear.
func (w Warning) Lifted() bool { return w.Level == None }

// Upgrade reports whether the warning rose.
func (w Warning) Upgrade() bool { return w.Level > w.Prev }

// Public reports whether the warning goes to the public. Geological blue
// (level 4) is an internal risk grade; lifting a warning the public never
// saw is internal too.
func (w Warning) Public() bool {
	if w.Hazard != Geological {
		return true
	}
	if w.Level == None {
		return w.Prev >= Yellow
	}
	return w.Level >= Yellow
}

// Title is the headline.
func (w Warning) Title() Text { return Title(w.Hazard, w.Level) }

// Guide is the action guide of the level now in force.
func (w Warning) Guide() Guide {
	g, _ := GuideFor(w.Hazard, w.Level)
	return g
}

// IssuerConfig tunes the issuer.
type IssuerConfig struct {
	// DowngradeHold is how long, in hazard seconds, a tracker must read
	// lower before a threshold warning is lowered or lifted. Upgrades are
	// immediate; a forecaster does not lower a signal because one minute
	// of rain fell short, and without the hold a rain sum hovering at a
	// threshold would flicker between two colours. Injects are obeyed at
	// once.
	DowngradeHold float64
}

// DefaultIssuerConfig holds downgrades for 30 minutes of hazard time.
func DefaultIssuerConfig() IssuerConfig { return IssuerConfig{DowngradeHold: 1800} }

// Issuer decides which warning is in force for each hazard and emits a
// Warning whenever that changes.
//
// For each hazard the level in force is the higher of the tracker's last
// reading and the last inject (the forecaster can warn ahead of the
// observations, never behind them). An inject of None withdraws the
// inject's floor, so the level falls back to what the tracker reads.
// Hazards whose trackers are off simply never send readings and follow
// injects alone.
type Issuer struct {
	cfg IssuerConfig
	seq int
	hz  [numHazards]hazardState
}

type hazardState struct {
	reading Level   // last tracker reading
	floor   Level   // last inject; None if none or withdrawn
	current Level   // in force
	pending float64 // hazard time a lower level was first read; −1 if none
	last    Warning // the warning that set current
}

// NewIssuer returns an issuer with DefaultIssuerConfig.
func NewIssuer() *Issuer { return NewIssuerWith(DefaultIssuerConfig()) }

// NewIssuerWith returns an issuer with cfg.
func NewIssuerWith(cfg IssuerConfig) *Issuer {
	is := &Issuer{cfg: cfg}
	for i := range is.hz {
		is.hz[i].pending = -1
	}
	return is
}

// Update takes the trackers' readings at hazard time now and returns the
// warnings that change, in hazard order (rainstorm, high temperature,
// geological) whatever the order of the readings. A hazard with no reading
// keeps its last one. Readings of a level the hazard has no signal for
// (high-temperature blue) are ignored.
func (is *Issuer) Update(now float64, readings []Reading) []Warning {
	for _, r := range readings {
		if Allowed(r.Hazard, r.Level) {
			is.hz[r.Hazard-1].reading = r.Level
		}
	}
	var out []Warning
	for _, h := range Hazards() {
		s := &is.hz[h-1]
		want := max(s.reading, s.floor)
		switch {
		case want > s.current:
			out = append(out, is.change(h, want, now, Threshold, ""))
		case want < s.current:
			if s.pending < 0 {
				s.pending = now
			}
			if now-s.pending >= is.cfg.DowngradeHold {
				out = append(out, is.change(h, want, now, Threshold, ""))
			}
		default:
			s.pending = -1
		}
	}
	return out
}

// Inject issues level l for hazard h at hazard time now, by script or by
// the facilitator, with the inject's id. It returns the resulting change, if
// any: none when the level in force is already l (or a tracker holds it
// higher), and none for a combination that has no signal (see Allowed;
// scenario validation should reject those).
func (is *Issuer) Inject(now float64, h Hazard, l Level, id string) []Warning {
	if !Allowed(h, l) {
		return nil
	}
	s := &is.hz[h-1]
	s.floor = l
	want := max(s.reading, s.floor)
	if want == s.current {
		s.pending = -1
		return nil
	}
	return []Warning{is.change(h, want, now, Inject, id)}
}

func (is *Issuer) change(h Hazard, l Level, now float64, src Source, id string) Warning {
	s := &is.hz[h-1]
	is.seq++
	w := Warning{
		ID:     h.Key() + "-" + strconv.Itoa(is.seq),
		Hazard: h, Level: l, Prev: s.current,
		Issued: now, Source: src, Inject: id,
	}
	s.current, s.pending, s.last = l, -1, w
	return w
}

// Level is the level in force for hazard h.
func (is *Issuer) Level(h Hazard) Level {
	if !h.Valid() {
		return None
	}
	return is.hz[h-1].current
}

// Highest is the most severe level in force over all hazards.
func (is *Issuer) Highest() Level {
	top := None
	for i := range is.hz {
		top = max(top, is.hz[i].current)
	}
	return top
}

// Active returns the warnings in force, one per hazard with a level above
// None, in hazard order.
func (is *Issuer) Active() []Warning {
	var out []Warning
	for i := range is.hz {
		if is.hz[i].current > None {
			out = append(out, is.hz[i].last)
		}
	}
	return out
}

// HashInto folds the configuration, the sequence and each hazard's state.
func (is *Issuer) HashInto(h *statehash.Hasher) {
	h.F64(is.cfg.DowngradeHold)
	h.Int(is.seq)
	for i := range is.hz {
		s := &is.hz[i]
		h.Int(int(s.reading))
		h.Int(int(s.floor))
		h.Int(int(s.current))
		h.F64(s.pending)
		w := &s.last
		h.String(w.ID)
		h.Int(int(w.Hazard))
		h.Int(int(w.Level))
		h.Int(int(w.Prev))
		h.F64(w.Issued)
		h.Int(int(w.Source))
		h.String(w.Inject)
	}
}
