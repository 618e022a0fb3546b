// Package statehash folds simulation state into a 64-bit FNV-1a hash.
//
// Every model in the engine writes its state into a Hasher in a fixed
// order, so two worlds that hash alike hold bit-identical state. Floats are
// hashed by their IEEE-754 bits: -0 and +0 differ, as they may in later math.
package statehash

import "math"

const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// Hasher is an FNV-1a 64-bit hash over little-endian words.
// The zero value is not ready; use New.
type Hasher struct{ h uint64 }

// New returns a Hasher at the FNV offset basis.
func New() *Hasher { return &Hasher{h: offset64} }

// U64 folds one 64-bit word, byte by byte, low byte first.
func (s *Hasher) U64(v uint64) {
	h := s.h
	for i := 0; i < 8; i++ {
		h ^= v & 0xff
		h *= prime64
		v >>= 8
	}
	s.h = h
}

// I64 folds a signed integer.
func (s *Hasher) I64(v int64) { s.U64(uint64(v)) }

// Int folds an int as 64 bits, the same on every platform.
func (s *Hasher) Int(v int) { s.U64(uint64(int64(v))) }

// Bool folds a boolean as 0 or 1.
func (s *Hasher) Bool(v bool) {
	if v {
		s.U64(1)
	} else {
		s.U64(0)
	}
}

// F64 folds a float64 by its bits.
func (s *Hasher) F64(v float64) { s.U64(math.Float64bits(v)) }

// F64s folds a length and then every element.
func (s *Hasher) F64s(vs []float64) {
	s.Int(len(vs))
	for _, v := range vs {
		s.U64(math.Float64bits(v))
	}
}

// String folds a length and then the bytes.
func (s *Hasher) String(v string) {
	s.Int(len(v))
	h := s.h
	for i := 0; i < len(v); i++ {
		h ^= uint64(v[i])
		h *= prime64
	}
	s.h = h
}

// Sum returns the hash so far.
func (s *Hasher) Sum() uint64 { return s.h }
