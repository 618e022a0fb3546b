package drill

import (
	"context"

	"github.com/rescuedrill/rescuedrill/engine"
)

// Subscription receives a Frame after every tick. A subscriber that falls
// behind loses frames (counted in Stats.SlowSubscriberDrops) rather than
// slowing the drill: the next frame carries the whole picture again. The
// channel is closed when the drill ends.
type Subscription struct {
	c chan Frame
	d *Drill
}

// C is the stream of frames.
func (s *Subscription) C() <-chan Frame { return s.c }

// Subscribe starts a stream of frames with room for buf of them.
func (d *Drill) Subscribe(ctx context.Context, buf int) (*Subscription, error) {
	if buf < 1 {
		buf = 1
	}
	s := &Subscription{c: make(chan Frame, buf), d: d}
	err := d.do(ctx, func(d *Drill) error {
		if d.state == Ended {
			return ErrEnded
		}
		d.subs[s] = struct{}{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the stream.
func (s *Subscription) Close(ctx context.Context) error {
	return s.d.do(ctx, func(d *Drill) error {
		if _, ok := d.subs[s]; ok {
			delete(d.subs, s)
			close(s.c)
		}
		return nil
	})
}

// publish sends this tick's frame to every subscriber without blocking.
func (d *Drill) publish(evs []engine.Event, inputs []engine.Input, hash uint64) {
	if len(d.subs) == 0 {
		return
	}
	f := Frame{Tick: d.world.Tick(), State: d.state, Events: append([]engine.Event(nil), evs...), Hash: hash,
		Inputs: append([]engine.Input(nil), inputs...)}
	if d.cfg.Capture != nil {
		f.Snapshot = d.cfg.Capture(d.world, d.state)
	}
	for _, p := range d.world.People() {
		f.People = append(f.People, PersonView{ID: p.ID, Name: p.Name, X: p.X, Y: p.Y, Heading: p.Heading,
			Status: p.Status, Depth: p.Depth})
	}
	for _, n := range d.world.NPCs() {
		f.NPCs = append(f.NPCs, NPCView{ID: n.ID, Kind: n.Kind, X: n.X, Y: n.Y, Status: n.Status, Symptoms: n.Symptoms})
	}
	for s := range d.subs {
		select {
		case s.c <- f:
		default:
			d.count(func(st *Stats) { st.SlowSubscriberDrops++ })
		}
	}
}
