package statehash

import "testing"

func TestKnownValues(t *testing.T) {
	t.Parallel()
	// FNV-1a 64 of the empty input is the offset basis; of the 8 zero bytes
	// of U64(0) it is a fixed value computed once and pinned here.
	if got := New().Sum(); got != offset64 {
		t.Fatalf("empty: got %x", got)
	}
	h := New()
	h.String("a")
	h2 := New()
	h2.String("b")
	if h.Sum() == h2.Sum() {
		t.Fatal("different strings hashed alike")
	}
	a, b := New(), New()
	a.F64(0)
	b.F64(negZero())
	if a.Sum() == b.Sum() {
		t.Fatal("+0 and -0 must hash differently")
	}
	c := New()
	c.U64(0)
	if got, want := c.Sum(), uint64(0xa8c7f832281a39c5); got != want {
		t.Fatalf("U64(0): got %#x want %#x", got, want)
	}
}

func negZero() float64 { z := 0.0; return -z }
