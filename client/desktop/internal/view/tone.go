package view

import (
	"encoding/binary"
	"math"
)

// Beep timing of a warning cue: 150 ms tones with 100 ms gaps, a 5 ms
// fade at both ends of each tone so it does not click.
const (
	beepSec = 0.15
	gapSec  = 0.10
	fadeSec = 0.005
)

// TonePCM renders a cue as 16-bit little-endian stereo PCM at rate Hz
// (what ebiten's audio player takes): Beeps sine tones of Hz, generated in
// code so the client ships no sound files.
func TonePCM(c Cue, rate int) []byte {
	per := int(float64(rate) * (beepSec + gapSec))
	tone := int(float64(rate) * beepSec)
	fade := float64(rate) * fadeSec
	out := make([]byte, 0, per*c.Beeps*4)
	for b := 0; b < c.Beeps; b++ {
		for i := 0; i < per; i++ {
			var v float64
			if i < tone {
				env := math.Min(1, math.Min(float64(i)/fade, float64(tone-i)/fade))
				v = 0.3 * env * math.Sin(2*math.Pi*c.Hz*float64(i)/float64(rate))
			}
			s := int16(math.Round(v * 32767))
			out = binary.LittleEndian.AppendUint16(out, uint16(s))
			out = binary.LittleEndian.AppendUint16(out, uint16(s))
		}
	}
	return out
}
