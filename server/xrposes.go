package server

import (
	"sync"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// xrPoses holds the newest head and hand pose of every participant whose
// headset sends them (Pose flag bits 1–2), for the snapshots of clients
// that asked for them (Hello flag bit 4, docs/protocol.md §5.8). They are
// presentation only: not engine inputs, not journalled, gone after a
// restart until the headset's next Pose. Sessions write them from their
// readers; the drill goroutine reads them in Entry.capture.
type xrPoses struct {
	mu    sync.Mutex
	by    [wire.MaxSlots]wire.XREntity
	owner [wire.MaxSlots]*session // the connection that sent it; nil: none
	list  []wire.XREntity         // sorted, rebuilt after a change; shared by States, never changed
	dirty bool
}

// set records slot's pose from p, or clears it when p has no head.
func (x *xrPoses) set(ss *session, slot int32, p *wire.Pose) {
	if slot < 0 || slot >= wire.MaxSlots {
		return
	}
	e, ok := wire.XRFromPose(slot, p)
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case ok && (x.owner[slot] != ss || x.by[slot] != e):
		x.by[slot], x.owner[slot], x.dirty = e, ss, true
	case !ok && x.owner[slot] != nil:
		x.owner[slot], x.dirty = nil, true
	}
}

// drop forgets slot's pose if ss sent it (the connection ended).
func (x *xrPoses) drop(ss *session, slot int32) {
	if slot < 0 || slot >= wire.MaxSlots {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.owner[slot] == ss {
		x.owner[slot], x.dirty = nil, true
	}
}

// snapshot returns the poses sorted by slot (nil when nobody sends any).
func (x *xrPoses) snapshot() []wire.XREntity {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.dirty {
		x.list, x.dirty = nil, false
		for s := range x.by {
			if x.owner[s] != nil {
				x.list = append(x.list, x.by[s])
			}
		}
	}
	return x.list
}
