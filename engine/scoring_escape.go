package engine

import (
	"fmt"
	"math"

	"github.com/rescuedrill/rescuedrill/engine/landslide"
)

// The escape_sideways rule: the self-rescue rule for a landslide is to move
// across its path (向滑坡两侧), never along it downhill or uphill. When a
// slide starts, every participant's position is noted; when it stops, the
// rule looks at where they are and how they got there.

// slideMargin (m) widens the runout footprint: standing at its very edge
// is not safe.
const slideMargin = 5.0

func (s *scorer) slideStarted(id int) {
	s.grow()
	for pi, p := range s.w.people {
		for ti := range s.tasks {
			if s.tasks[ti].t.Rule != "escape_sideways" {
				continue
			}
			st := &s.st[pi][ti]
			if !st.decided && !st.started {
				st.started, st.startX, st.startY = true, p.X, p.Y
			}
		}
	}
}

func (s *scorer) slideStopped(id int) {
	// Later slides may follow (a slope fails in pieces): judge once every
	// slide so far has come to rest.
	for _, sl := range s.w.haz.slide.Slides() {
		if !sl.Done {
			return
		}
	}
	for _, p := range s.w.people {
		for ti := range s.tasks {
			if s.tasks[ti].t.Rule == "escape_sideways" && !s.st[p.ID][ti].decided && s.st[p.ID][ti].started {
				s.judgeEscape(p, ti)
			}
		}
	}
}

func (s *scorer) pollEscape(p *Person, ti int) {
	if p.Status == StatusBuried && s.st[p.ID][ti].started {
		s.judgeEscape(p, ti)
	}
}

func (s *scorer) finishEscape(p *Person, ti int) {
	if !s.st[p.ID][ti].started {
		s.decide(p, ti, 0, false, "No landslide happened in this drill: not scored.", "本次演练未发生滑坡：不计分。")
		return
	}
	s.judgeEscape(p, ti)
}

// slideAt returns the slide whose runout footprint (with the margin) holds
// (x, y), or nil.
func (s *scorer) slideAt(x, y float64) *landslide.Slide {
	m := s.w.haz.slide
	if m == nil {
		return nil
	}
	sl := m.Slides()
	for i := range sl {
		if sl[i].InPath(x, y, slideMargin) {
			return &sl[i]
		}
	}
	return nil
}

func (s *scorer) judgeEscape(p *Person, ti int) {
	t := s.tasks[ti].t
	st := s.st[p.ID][ti]
	if p.Status == StatusBuried {
		n := s.harmNote(p)
		s.decide(p, ti, 0, true, n.EN+" Move sideways, across the slide's path, not along it.", n.ZH+"应向滑坡两侧撤离，而不是顺着滑坡方向跑。")
		return
	}
	if s.slideAt(p.X, p.Y) != nil {
		s.decide(p, ti, 0, true, "Was still in the landslide's path when it came to rest: get out sideways.",
			"滑坡停止时仍处在滑坡路径上：应向两侧撤离。")
		return
	}
	sl := s.slideAt(st.startX, st.startY)
	if sl == nil {
		s.decide(p, ti, t.Points, true, "Was already clear of the landslide's path when it failed.", "滑坡发生时已远离滑坡路径。")
		return
	}
	a0, c0 := sl.Lateral(st.startX, st.startY)
	a1, c1 := sl.Lateral(p.X, p.Y)
	along, across := math.Abs(a1-a0), math.Abs(c1-c0)
	if across >= along {
		s.decide(p, ti, t.Points, true,
			fmt.Sprintf("Fled sideways: %.0f m across the slide's path (%.0f m along it).", across, along),
			fmt.Sprintf("向滑坡两侧撤离：横向移动%.0f米（顺坡%.0f米）。", across, along))
		return
	}
	s.decide(p, ti, t.Points/2, true,
		fmt.Sprintf("Got out of the path, but by running %.0f m along it and only %.0f m across: flee sideways.", along, across),
		fmt.Sprintf("虽离开了滑坡路径，但顺坡跑了%.0f米、横向仅%.0f米：应向两侧撤离。", along, across))
}
