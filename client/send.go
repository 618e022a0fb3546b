package client

import (
	"context"
	"errors"
	"time"

	"github.com/rescuedrill/rescuedrill/server/transport"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// SetIntent sets what the participant wants to do: the direction to move
// in thousandths (moveX east, moveY south, each −1000…1000, clamped; 0, 0
// stands still), whether to run, and the view heading in hundredths of a
// degree clockwise from north (taken mod 36000). The sender goroutine
// sends it in every Pose; a change is sent at once (at most 60 poses a
// second, the server's limit).
func (c *Client) SetIntent(moveX, moveY int16, run bool, heading uint16) {
	moveX, moveY = min(max(moveX, -1000), 1000), min(max(moveY, -1000), 1000)
	heading %= 36000
	c.mu.Lock()
	p := &c.intent
	changed := p.MoveX != moveX || p.MoveY != moveY || p.Run != run || p.Heading != heading
	p.MoveX, p.MoveY, p.Run, p.Heading = moveX, moveY, run, heading
	c.mu.Unlock()
	if changed {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// SetXR adds headset and hand poses to the next Poses (nil to stop).
func (c *Client) SetXR(head *wire.XRPose, hands *[2]wire.XRPose) {
	c.mu.Lock()
	c.intent.Head, c.intent.Hands = head, hands
	c.mu.Unlock()
}

// sendLoop sends a Pose every period, and soon after SetIntent changes it.
func (c *Client) sendLoop(period time.Duration) {
	defer c.sender.Done()
	t := time.NewTicker(period)
	defer t.Stop()
	minGap := time.Second / wire.MaxPoseRate
	var last time.Time
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
		case <-c.kick:
			if time.Since(last) < minGap {
				continue // the ticker sends it
			}
		}
		last = time.Now()
		c.sendPose(last)
	}
}

// sendPose sends the intent with the decoder's acknowledgements on the
// current connection, if any.
func (c *Client) sendPose(now time.Time) {
	c.mu.Lock()
	l := c.cur
	if l == nil || l.dec == nil {
		c.mu.Unlock()
		return
	}
	p := c.intent
	if c.info.Role != wire.RoleParticipant {
		// Spectators and facilitators send poses for their acks and view
		// only; a moving one is forbidden (protocol §8).
		p.MoveX, p.MoveY, p.Run = 0, 0, false
	}
	p.Ack, p.AckBits = l.dec.Ack()
	c.poseSeq++
	p.Seq = c.poseSeq
	p.TickHint = uint64(c.buf.RenderTick(now))
	c.mu.Unlock()
	b := wire.Marshal(nil, &p)
	if l.dgram.Load() {
		err := l.conn.SendDatagram(b)
		if err == nil {
			c.counters.poses.Add(1)
			return
		}
		if !errors.Is(err, transport.ErrDatagramTooLarge) {
			// Datagrams were not negotiated (or the connection is going):
			// the server reads poses from the stream as well.
			l.dgram.Store(false)
		}
	}
	if l.write(wire.AppendRawFrame(nil, b)) == nil {
		c.counters.poses.Add(1)
	}
}

// Choose acts (wire.ChoiceAct: action on target, e.g. "switch_off_power",
// "main_switch") or answers a prompt (wire.ChoiceAnswer: action = the
// prompt's inject ID, target = the option ID) and waits for the server's
// ChoiceAck, which comes once the choice is durable in the drill's
// journal (Result wire.Accepted) or refused (wire.Rejected, Reason).
//
// The choice gets the next client sequence number. If the connection
// drops before the ack, Reconnect sends it again with the same seq and
// this call returns that ack. When ctx ends first Choose returns ctx's
// error but the choice stays pending (it may already be applied): its ack
// still arrives as a ChoiceAckEvent, once.
func (c *Client) Choose(ctx context.Context, kind wire.ChoiceKind, action, target string) (wire.ChoiceAck, error) {
	if kind != wire.ChoiceAct && kind != wire.ChoiceAnswer {
		return wire.ChoiceAck{}, errors.New("client: choice kind must be ChoiceAct or ChoiceAnswer")
	}
	if len(action) > wire.MaxID || len(target) > wire.MaxID {
		return wire.ChoiceAck{}, errors.New("client: choice action or target too long")
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return wire.ChoiceAck{}, ErrClosed
	}
	if c.info.Role != wire.RoleParticipant {
		c.mu.Unlock()
		return wire.ChoiceAck{}, ErrNotAllowed
	}
	c.seq++
	p := &pendingChoice{done: make(chan wire.ChoiceAck, 1),
		msg: wire.Choice{Seq: c.seq, Kind: kind, Action: action, Target: target}}
	if c.buf != nil {
		p.msg.TickHint = uint64(c.buf.RenderTick(time.Now()))
	}
	c.choices[p.msg.Seq] = p
	l := c.cur
	msg := p.msg
	c.mu.Unlock()
	if l != nil {
		_ = l.send(&msg) // a failed send is resent by Reconnect
	}
	select {
	case a := <-p.done:
		return a, nil
	case <-ctx.Done():
		return wire.ChoiceAck{}, ctx.Err()
	case <-c.done:
		return wire.ChoiceAck{}, ErrClosed
	}
}

// PendingChoices returns the choices sent but not acknowledged yet.
func (c *Client) PendingChoices() []wire.Choice {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]wire.Choice, 0, len(c.choices))
	for _, p := range c.choices {
		out = append(out, p.msg)
	}
	return out
}

// Command sends a facilitator operation (its Seq is set here) and waits
// for the CommandAck (sent once the command is journalled). Only a client
// that joined as wire.RoleFacilitator may: others get ErrNotAllowed
// without sending. Commands are not resent after a reconnect: if the
// connection drops first, Command returns ErrDisconnected and the
// facilitator decides (a repeated start is refused with bad_state anyway).
func (c *Client) Command(ctx context.Context, cmd wire.Command) (wire.CommandAck, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return wire.CommandAck{}, ErrClosed
	}
	if c.info.Role != wire.RoleFacilitator {
		c.mu.Unlock()
		return wire.CommandAck{}, ErrNotAllowed
	}
	l := c.cur
	if l == nil {
		c.mu.Unlock()
		return wire.CommandAck{}, ErrDisconnected
	}
	c.seq++
	cmd.Seq = c.seq
	ch := make(chan cmdReply, 1)
	c.cmds[cmd.Seq] = ch
	c.mu.Unlock()
	if err := l.send(&cmd); err != nil {
		c.mu.Lock()
		delete(c.cmds, cmd.Seq)
		c.mu.Unlock()
		return wire.CommandAck{}, ErrDisconnected
	}
	select {
	case r := <-ch:
		return r.ack, r.err
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.cmds, cmd.Seq)
		c.mu.Unlock()
		return wire.CommandAck{}, ctx.Err()
	case <-c.done:
		return wire.CommandAck{}, ErrClosed
	}
}

// Start, Pause, Resume, End, Inject and Warn are the facilitator's
// commands (Command with the op filled in).
func (c *Client) Start(ctx context.Context) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpStart})
}

func (c *Client) Pause(ctx context.Context) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpPause})
}

func (c *Client) Resume(ctx context.Context) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpResume})
}

func (c *Client) End(ctx context.Context) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpEnd})
}

// Inject fires the scenario inject with that ID now.
func (c *Client) Inject(ctx context.Context, inject string) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpInject, Inject: inject})
}

// Warn issues (level 1 blue … 4 red) or lifts (0) a warning for hazard
// (1 rainstorm, 2 high_temp, 3 geological).
func (c *Client) Warn(ctx context.Context, hazard, level uint8) (wire.CommandAck, error) {
	return c.Command(ctx, wire.Command{Op: wire.OpWarn, Hazard: hazard, Level: level})
}
