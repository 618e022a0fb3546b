package wire

import "time"

// Rates the server enforces (docs/protocol.md §8), here so the server,
// the client library and the document agree. Each rate is a token bucket
// per connection: it holds up to its burst, starts full, gains the rate a
// second, and every message takes one token.
const (
	MaxPoseRate       = 60  // Poses per second per connection (datagram or frame) …
	PoseBurst         = 120 // … in bursts of up to this many; beyond: dropped silently
	DatagramRate      = 240 // datagrams + Pose frames per second per connection …
	DatagramBurst     = 240 // … in bursts of up to this many; beyond: Error(rate_limited), close
	ControlRate       = 20  // control messages (every frame but Pose) per second per connection …
	ControlBurst      = 40  // … in bursts of up to this many; beyond: Error(rate_limited), close
	ChoiceRate        = 5   // Choices per second …
	ChoiceBurst       = 10  // … in bursts of up to this many; beyond: ChoiceAck rejected, ReasonRateLimited
	ForbiddenAllowed  = 3   // forbidden messages a connection may send; the next one closes it
	BadJoinsPerWindow = 60  // Hellos with a wrong join code per address in BadJoinWindow; beyond: Error(try_later)

	SnapshotHz         = 20 // snapshots per second
	MaxPoseInterval    = 100 * time.Millisecond
	InterpolationDelay = 2 // snapshot intervals a client renders behind the newest snapshot

	// BadJoinWindow is the join-code limiter's window. A whole class behind
	// one school NAT shares one allowance, so it is sized for 40 pupils'
	// typing mistakes; at 2 wrong codes a second an address still needs
	// months to hit one of 31⁶ codes even with a hundred drills open.
	BadJoinWindow = 30 * time.Second
)
