package wire

import "time"

// Rates the server enforces (docs/protocol.md §8), here so the server,
// the client library and the document agree.
const (
	MaxPoseRate        = 60 // Poses per second per connection; extra ones are dropped
	ControlRate        = 20 // control messages per second per connection …
	ControlBurst       = 40 // … in bursts of up to this many; beyond: Error(rate_limited)
	ChoiceRate         = 5  // Choices per second; beyond: ChoiceAck rejected, ReasonRateLimited
	BadJoinsPerMinute  = 10 // Hellos with a wrong join code per address; beyond: Error(try_later)
	SnapshotHz         = 20 // snapshots per second
	MaxPoseInterval    = 100 * time.Millisecond
	InterpolationDelay = 2 // snapshot intervals a client renders behind the newest snapshot
)
