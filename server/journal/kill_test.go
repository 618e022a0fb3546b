package journal

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rescuedrill/rescuedrill/engine"
)

// helperEnv names the directory the helper process journals into; the
// helper test does nothing without it.
const helperEnv = "RESCUEDRILL_JOURNAL_HELPER_DIR"

// TestHelperProcess is the child of TestKillMidDrill: a server that
// journals inputs and acknowledges each one (prints its index) only after
// Sync has returned, until it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("only run as the child of TestKillMidDrill")
	}
	j, err := Create(dir, "killed", testHeader())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	deadline := time.Now().Add(20 * time.Second) // never outlive a lost parent for long
	for i := 0; time.Now().Before(deadline); {
		// A group of inputs, then one fsync for all of them.
		first := i
		for _, in := range helperGroup(i) {
			if err := j.Append(in); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			i++
		}
		if err := j.Sync(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for k := first; k < i; k++ {
			fmt.Fprintln(out, k) // acknowledged
		}
		out.Flush()
	}
	os.Exit(3)
}

// helperGroup is the group of 1..4 inputs (one tick's) that the helper
// appends from input number first on; each input's fields say its number.
func helperGroup(first int) []engine.Input {
	g := make([]engine.Input, 1+first%4)
	for k := range g {
		i := first + k
		g[k] = engine.Input{Tick: uint64(first / 3), Participant: int32(i % 40), Kind: engine.InputAnswer, Heading: int32(i),
			Action: "prompt-" + strconv.Itoa(i%7), Target: "option-" + strconv.Itoa(i)}
	}
	return g
}

// helperInputs is the helper's first n inputs (or a little more).
func helperInputs(n int) []engine.Input {
	var all []engine.Input
	for len(all) < n {
		all = append(all, helperGroup(len(all))...)
	}
	return all
}

// TestKillMidDrill really kills a journalling process with SIGKILL after
// some acknowledgements: recovery must hold every input it acknowledged,
// in order, and nothing it did not append.
func TestKillMidDrill(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a process")
	}
	for round := range 3 {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+dir)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a different point each round.
		killAfter := 200 + 700*round
		acked := -1
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			n, err := strconv.Atoi(sc.Text())
			if err != nil {
				continue // test framework chatter
			}
			if n != acked+1 {
				t.Fatalf("acknowledgement %d after %d", n, acked)
			}
			acked = n
			if acked >= killAfter {
				break
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Acknowledgements already in the pipe count too: they were sent.
		for sc.Scan() {
			if n, err := strconv.Atoi(sc.Text()); err == nil && n == acked+1 {
				acked = n
			}
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("the helper was not killed by SIGKILL: %v", err)
		}
		if acked < killAfter {
			t.Fatalf("only %d acknowledgements before the helper stopped", acked+1)
		}

		rs, err := Recover(dir)
		if err != nil || len(rs) != 1 || rs[0].Err != nil {
			t.Fatalf("Recover: %v %+v", err, rs)
		}
		r := rs[0]
		t.Logf("round %d: %d acknowledged, %d recovered; %s", round, acked+1, len(r.Log.Inputs), r.Note)
		if len(r.Log.Inputs) <= acked {
			t.Fatalf("%d inputs recovered, %d were acknowledged: an acknowledged choice was lost", len(r.Log.Inputs), acked+1)
		}
		want := helperInputs(len(r.Log.Inputs))
		for i, in := range r.Log.Inputs {
			if in != want[i] {
				t.Fatalf("recovered input %d is %+v, want %+v", i, in, want[i])
			}
		}
		// The recovered journal goes on.
		j := r.Journal
		next := len(r.Log.Inputs)
		if err := j.Append(engine.Input{Tick: r.Log.Inputs[next-1].Tick + 1, Kind: engine.InputLeave}); err != nil {
			t.Fatal(err)
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		l, err := decodeFile(t, filepath.Join(dir, "killed.rdr"))
		if err != nil || len(l.Inputs) != next+1 {
			t.Fatalf("after appending to the recovered journal: %v, %d inputs", err, len(l.Inputs))
		}
	}
}
