package drill

import (
	"context"
	"testing"

	"github.com/rescuedrill/rescuedrill/engine"
)

// TestInputLogMirrors: a world stepped with what InputsSince returns — all
// at once, or in pieces as a mirror client catches up — has the drill's
// hash; frames carry each tick's inputs.
func TestInputLogMirrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup, _ := heatSetup(t)
	clk := newManualClock()
	d, _ := start(t, Config{ID: "m", Setup: setup, Seed: 9, Clock: clk, CheckpointEvery: 10})
	sub, err := d.Subscribe(ctx, 64)
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := d.Join(ctx, "a", "")
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	framed := 0
	for i := 0; i < 40; i++ {
		_ = d.Submit(engine.Input{Participant: a, Kind: engine.InputMove, MoveX: int16(100 * (i % 7)), MoveY: 300, Run: i%3 == 0}, nil)
		if i%5 == 0 {
			_ = d.Submit(engine.Input{Participant: a, Kind: engine.InputLook, Heading: int32(i * 700)}, nil)
		}
		clk.tick(1)
	}
	for len(sub.C()) > 0 {
		f := <-sub.C()
		framed += len(f.Inputs)
	}
	// clk.tick returns once the drill took the tick, not once it finished
	// it; a command waits for the tick to finish (its checkpoint included).
	if _, err := d.Hash(ctx); err != nil {
		t.Fatal(err)
	}
	mirror, err := engine.NewWorld(setup, 9)
	if err != nil {
		t.Fatal(err)
	}
	var from uint64
	checked := false
	for _, cut := range []uint64{7, 23, 1 << 40} {
		ap, err := d.InputsSince(from)
		if err != nil {
			t.Fatal(err)
		}
		limit := min(ap.Tick, cut)
		for mirror.Tick() < limit {
			var step []engine.Input
			for len(ap.Inputs) > 0 && ap.Inputs[0].Tick == mirror.Tick() {
				step, ap.Inputs = append(step, ap.Inputs[0]), ap.Inputs[1:]
			}
			mirror.Step(step)
		}
		from = mirror.Tick()
		if ap.HasHash && mirror.Tick() == ap.Tick {
			checked = true
			if mirror.Hash() != ap.Hash {
				t.Fatalf("mirror hash at %d differs from the checkpoint", ap.Tick)
			}
		}
	}
	h, _ := d.Hash(ctx)
	if mirror.Tick() != d.Tick() || mirror.Hash() != h || !checked {
		t.Fatalf("mirror at %d (%x), drill at %d (%x), checked %v", mirror.Tick(), mirror.Hash(), d.Tick(), h, checked)
	}
	if framed < 40 {
		t.Fatalf("frames carried %d inputs", framed)
	}
}
