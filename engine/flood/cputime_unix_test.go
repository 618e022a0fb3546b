//go:build unix

package flood

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used. The
// development machine is shared by many builds at once, so wall time
// per op swings 3–10×; CPU time does not count the time the benchmark
// waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
