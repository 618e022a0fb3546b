package main

import (
	"os"

	"github.com/hajimehoshi/ebiten/v2/audio"

	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
)

const sampleRate = 48000

// sound plays the warning cues, generated in code (view.TonePCM).
type sound struct{ ctx *audio.Context }

// newSound opens audio only where there is a sound device: ebiten reports
// a failed audio device as an error that ends the game, and a classroom PC
// without speakers (or Xvfb) must still show the warnings.
func newSound() *sound {
	if _, err := os.Stat("/dev/snd"); err != nil && isLinux {
		return nil
	}
	return &sound{ctx: audio.NewContext(sampleRate)}
}

func (s *sound) play(c view.Cue) {
	if s == nil || s.ctx == nil {
		return
	}
	p := s.ctx.NewPlayerFromBytes(view.TonePCM(c, sampleRate))
	p.Play()
}
