package server

import (
	"slices"
	"sync"

	"github.com/rescuedrill/rescuedrill/server/drill"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// room is the set of live sessions of one drill and which participant
// slots have a connection, so everyone else learns when a participant's
// connection drops (Roster flag away, docs/protocol.md §4.9) and when it
// comes back. The engine knows joins and leaves; only the sessions know
// who is connected.
type room struct {
	mu       sync.Mutex
	sessions map[*session]struct{}
	conns    map[int32]int              // live sessions per participant slot
	away     map[int32]wire.RosterEntry // slots with no live session, as last announced
}

// roomOf returns the room of e's drill, made on first use.
func (s *Server) roomOf(e *Entry) *room {
	r, _ := s.rooms.LoadOrStore(e, &room{sessions: map[*session]struct{}{}, conns: map[int32]int{},
		away: map[int32]wire.RosterEntry{}})
	return r.(*room)
}

// enter adds a session that has its slot (before its Welcome is built, so
// the Welcome's roster shows the participant present). A participant back
// after a drop is announced to the others without the away flag.
func (r *room) enter(ss *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sessions[ss] = struct{}{}
	if ss.slot < 0 {
		return
	}
	r.conns[ss.slot]++
	if e, ok := r.away[ss.slot]; ok {
		delete(r.away, ss.slot)
		e.Flags &^= wire.RosterAway
		r.broadcastLocked(ss, e)
	}
}

// exit removes a session. When it was a participant's last connection and
// the participant neither left for good nor the drill ended, the others are
// told it is away (it may rejoin with its token).
func (r *room) exit(ss *session, self wire.RosterEntry, left bool, st drill.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, ss)
	if ss.slot < 0 {
		return
	}
	r.conns[ss.slot]--
	if r.conns[ss.slot] > 0 {
		return
	}
	delete(r.conns, ss.slot)
	if left || st == drill.Ended || self.Flags&wire.RosterLeft != 0 {
		return
	}
	self.Slot, self.Flags = uint32(ss.slot), self.Flags|wire.RosterAway
	r.away[ss.slot] = self
	r.broadcastLocked(ss, self)
}

// empty reports whether no session is in the room.
func (r *room) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions) == 0
}

// overlay marks the away slots in a roster (the Welcome's).
func (r *room) overlay(es []wire.RosterEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range es {
		if _, ok := r.away[int32(es[i].Slot)]; ok && es[i].Flags&wire.RosterLeft == 0 {
			es[i].Flags |= wire.RosterAway
		}
	}
}

// broadcastLocked queues e for every session but from; r.mu is held. It
// never blocks: each session coalesces pending entries by slot and its
// writer sends them.
func (r *room) broadcastLocked(from *session, e wire.RosterEntry) {
	for ss := range r.sessions {
		if ss != from {
			ss.queueRoster(e)
		}
	}
}

// queueRoster notes a roster change for the session's writer.
func (ss *session) queueRoster(e wire.RosterEntry) {
	ss.rmu.Lock()
	if ss.rosterOut == nil {
		ss.rosterOut = map[uint32]wire.RosterEntry{}
	}
	ss.rosterOut[e.Slot] = e
	ss.rmu.Unlock()
	select {
	case ss.rosterKick <- struct{}{}:
	default:
	}
}

// flushRoster sends the pending roster changes in one message.
func (ss *session) flushRoster() error {
	ss.rmu.Lock()
	es := make([]wire.RosterEntry, 0, len(ss.rosterOut))
	for _, e := range ss.rosterOut {
		es = append(es, e)
	}
	clear(ss.rosterOut)
	ss.rmu.Unlock()
	if len(es) == 0 {
		return nil
	}
	slices.SortFunc(es, func(a, b wire.RosterEntry) int { return int(a.Slot) - int(b.Slot) })
	return ss.send(&wire.Roster{Entries: es})
}
