// Command desktop is RescueDrill's desktop client: a pupil joins a drill
// with the teacher's join code, walks the map while the hazard unfolds,
// acts on the four-colour warnings, and sees at the end what was right or
// wrong and why. `--spectate CODE` is the teacher's whole-map view.
//
//	go run ./client/desktop                       # the join screen
//	go run ./client/desktop --server host:4433 --cert-hash HEX --join CODE --name 小红
//	go run ./client/desktop --spectate CODE --cert-hash HEX
//	go run ./client/desktop ... --screenshot out.png --after 5s   # one real frame, then exit
//
// Scenes are one per file (join.go, play.go, results.go); Update feeds
// input and network events into the view model, Draw only reads it. The
// logic lives in internal/view and is tested without a window.
package main

import (
	"fmt"
	"os"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	g, err := newGame(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ebiten.SetWindowTitle("RescueDrill · 灾害自救演练")
	ebiten.SetWindowSize(cfg.width, cfg.height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	if err := ebiten.RunGame(g); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	g.close()
	os.Exit(g.exitCode)
}
