package client

import (
	"errors"
	"time"

	"github.com/rescuedrill/rescuedrill/server/wire"
)

// readStream reads the control stream until it ends: events, acks, and
// snapshots when datagrams are off (or too large for one).
func (c *Client) readStream(l *link, fr *wire.FrameReader) {
	for {
		m, err := fr.ReadMessage()
		if err != nil {
			c.endLink(l, err, true)
			return
		}
		l.live.heard()
		c.handle(l, m)
	}
}

// readDatagrams decodes snapshot datagrams until the connection ends.
func (c *Client) readDatagrams(l *link) {
	ctx := l.conn.Context()
	for {
		b, err := l.conn.ReceiveDatagram(ctx)
		if err != nil {
			return
		}
		l.live.heard()
		if len(b) > 0 && wire.Type(b[0]) == wire.TypeSnapshot && len(b) <= wire.MaxDatagram {
			c.snapshot(l, b)
		} else {
			c.counters.decodeErr.Add(1)
		}
	}
}

func (c *Client) handle(l *link, m wire.Message) {
	switch m := m.(type) {
	case *wire.SnapshotData:
		c.snapshot(l, m.Data)
	case *wire.Prompt:
		c.emit(PromptEvent{*m})
	case *wire.Warning:
		c.emit(WarningEvent{*m})
	case *wire.Notice:
		c.emit(NoticeEvent{*m})
	case *wire.Score:
		c.emit(ScoreEvent{*m})
	case *wire.ClassSummary:
		c.emit(ClassEvent{*m})
	case *wire.Results:
		c.emit(ResultsEvent{Results: m.Results})
	case *wire.ChoiceAck:
		c.choiceAcked(*m)
	case *wire.CommandAck:
		c.mu.Lock()
		ch := c.cmds[m.Seq]
		delete(c.cmds, m.Seq)
		c.mu.Unlock()
		if ch != nil {
			ch <- cmdReply{ack: *m}
		}
		c.emit(CommandAckEvent{*m})
	case *wire.PhaseChange:
		c.mu.Lock()
		ev, ok := c.setPhase(m.Phase, m.Tick)
		c.mu.Unlock()
		if ok {
			c.emit(ev)
		}
	case *wire.Roster:
		c.mu.Lock()
		for _, e := range m.Entries {
			c.roster[e.Slot] = e
		}
		all := c.rosterLocked()
		c.mu.Unlock()
		c.emit(RosterEvent{Changed: m.Entries, Roster: all})
	case *wire.ErrorMsg:
		se := &ServerError{Code: m.Code, Text: m.Text}
		if m.Code != wire.CodeForbidden {
			l.sent.Store(se) // the reason for the close that follows
		}
		if m.Code == wire.CodeForbidden { // a command we should not have sent
			c.mu.Lock()
			cmds := c.cmds
			c.cmds = map[uint64]chan cmdReply{}
			c.mu.Unlock()
			for _, ch := range cmds {
				ch <- cmdReply{err: se}
			}
		}
		c.emit(ErrorEvent{Code: m.Code, Text: m.Text})
	case *wire.Ping:
		_ = l.send(&wire.Pong{Nonce: m.Nonce})
	case *wire.Pong, *wire.Welcome, *wire.Terrain:
		// a Pong only proves the server alive (readStream noted it, for
		// the watchdog); a second Welcome or Terrain is not expected
	}
}

// snapshot decodes one snapshot payload of link l.
func (c *Client) snapshot(l *link, p []byte) {
	now := time.Now()
	c.counters.snapBytes.Add(uint64(len(p)))
	c.mu.Lock()
	if c.cur != l || l.dec == nil {
		c.mu.Unlock()
		return
	}
	st, err := l.dec.Decode(p)
	if err != nil {
		c.mu.Unlock()
		if errors.Is(err, wire.ErrNoBaseline) || errors.Is(err, wire.ErrDuplicate) || errors.Is(err, wire.ErrStale) {
			c.counters.skipped.Add(1)
		} else {
			c.counters.decodeErr.Add(1)
		}
		return
	}
	c.counters.decoded.Add(1)
	c.setState(st)
	ev, changed := c.snapshotPhase(st.Globals.Phase, st.Tick)
	c.buf.Push(st, now) // under c.mu: the stream and datagram readers push in decode order
	c.mu.Unlock()
	if changed {
		c.emit(ev)
	}
}

// snapshotPhase notes the phase in a snapshot's globals — for a client
// that missed nothing this only repeats the Phase messages — unless the
// Welcome or a Phase message spoke for the same or a later tick, or the
// drill has ended: the drill's last snapshot (still "running", at the
// final tick) can arrive as a datagram after the stream's Phase(ended)
// and must not undo it. c.mu is held.
func (c *Client) snapshotPhase(p wire.Phase, tick uint64) (Event, bool) {
	if c.phase == wire.PhaseEnded || tick <= c.phaseTick {
		return nil, false
	}
	return c.setPhase(p, tick)
}

// choiceAcked resolves a pending choice; an ack of a seq that is not
// pending (the server's duplicate answer after a resend) is counted only.
func (c *Client) choiceAcked(a wire.ChoiceAck) {
	c.mu.Lock()
	p := c.choices[a.Seq]
	delete(c.choices, a.Seq)
	c.mu.Unlock()
	if p == nil {
		c.counters.unknownAcks.Add(1)
		return
	}
	p.done <- a
	c.emit(ChoiceAckEvent{ChoiceAck: a, Choice: p.msg})
}
