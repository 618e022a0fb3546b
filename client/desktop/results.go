package main

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/rescuedrill/rescuedrill/client/desktop/internal/view"
	"github.com/rescuedrill/rescuedrill/server/wire"
)

// resultsScene is the end of the drill (or of a harmed pupil's part in
// it): the score, what was right and wrong with the scenario's reasons in
// the chosen language, and the class average.
type resultsScene struct {
	play   *playScene
	scroll float64
}

func newResults(p *playScene) *resultsScene { return &resultsScene{play: p} }

func (r *resultsScene) Update(g *game) (scene, error) {
	p := r.play
	// Keep taking events: the final results come after a harmed pupil's
	// feedback screen opened, and the drill may end while it shows.
	for drained := false; !drained; {
		select {
		case ev, ok := <-p.s.c.Events():
			if !ok {
				drained = true
				break
			}
			p.model.Apply(ev, p.last)
		default:
			drained = true
		}
	}
	p.s.c.SetIntent(0, 0, false, p.steer.Heading()) // stand still where the drill ended
	if _, wy := ebiten.Wheel(); wy != 0 {
		r.scroll = max(0, r.scroll-wy*40)
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) {
		r.scroll += 40
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyArrowUp) {
		r.scroll = max(0, r.scroll-40)
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		return nil, ebiten.Termination
	}
	return nil, nil
}

func (r *resultsScene) Draw(g *game, screen *ebiten.Image) {
	p := r.play
	l := p.lang
	screen.Fill(color.RGBA{0x14, 0x1c, 0x28, 0xff})
	x, w := 60.0, float64(g.w)-120
	y := 30 - r.scroll
	head := l.T("ended")
	if p.model.Harmed && p.model.Phase != wire.PhaseEnded {
		head = l.T("harmed")
	}
	drawText(screen, head+" · "+l.Pick(p.s.info.Title), g.face(28), x, y, white)
	y += 56
	if p.spect {
		r.drawClass(g, screen, x, y, w)
		return
	}
	titles := view.TaskTitles(p.s.info.Scenario)
	f, ok := view.FeedbackFor(p.model.Results, p.model.Class, uint32(p.s.info.Slot), titles, l)
	if !ok {
		// No final results yet (harmed while the drill goes on): the
		// running score with what was decided so far.
		drawText(screen, fmt.Sprintf("%s: %d", l.T("your_score"), p.model.Score), g.face(40), x, y, amber)
		drawText(screen, l.Two("演练结束后显示全部反馈。", "The full feedback shows when the drill ends."), g.face(20), x, y+64, muted)
		return
	}
	drawText(screen, fmt.Sprintf("%s: %d / 100", l.T("your_score"), f.Score), g.face(44), x, y, amber)
	avg := l.T("class_unknown")
	if f.ClassN > 1 {
		avg = classLine(l, f.ClassAvg, f.ClassN, f.ClassBots, f.ClassSafe)
	}
	drawText(screen, fmt.Sprintf("%s: %s    %s", l.T("outcome"), view.OutcomeText(f.Outcome, l), avg), g.face(20), x, y+64, white)
	y += 104
	for _, o := range f.Objectives {
		drawText(screen, o, g.face(18), x, y, muted)
		y += 26
	}
	y += 10
	for _, line := range f.Lines {
		c := map[view.Verdict]color.RGBA{view.Right: good, view.Partly: amber, view.Wrong: bad, view.NotScored: muted}[line.Verdict]
		fillRect(screen, rect{x, y, 8, 50}, c)
		drawText(screen, fmt.Sprintf("%s   %s   %s", view.VerdictMark(line.Verdict, l), line.Task, line.Points), g.face(20), x+20, y, c)
		y += 30
		for _, s := range wrap(line.Reason, g.face(17), w-20) {
			drawText(screen, s, g.face(17), x+20, y, white)
			y += 24
		}
		y += 14
	}
	drawText(screen, l.T("esc_quit"), g.face(14), 12, float64(g.h)-26, muted)
}

// drawClass is the spectator's table of everyone's results.
func (r *resultsScene) drawClass(g *game, screen *ebiten.Image, x, y, w float64) {
	l := r.play.lang
	res := append([]wire.Result(nil), r.play.model.Results...)
	sort.Slice(res, func(i, j int) bool { return res[i].Score > res[j].Score })
	if avg, n, bots, safe := view.ClassOf(r.play.model.Class); n > 0 {
		drawText(screen, classLine(l, avg, n, bots, safe), g.face(28), x, y, amber)
	}
	y += 56
	drawText(screen, l.T("everyone"), g.face(20), x, y, muted)
	y += 32
	for _, p := range res {
		tag := ""
		if p.Policy != "" {
			tag = " [" + p.Policy + "]"
		}
		drawText(screen, fmt.Sprintf("%3d   %-20s %s%s", p.Score, p.Name, view.OutcomeText(p.Outcome, l), strings.TrimSpace(tag)), g.face(18), x, y, white)
		y += 26
		if y > float64(g.h) {
			break
		}
	}
	_ = w
}

// classLine is "Class average: 72.5 / 100 (31 · 27 safe)" from the class
// summary; bots are named as such when only bots played.
func classLine(l view.Lang, avg float64, n int, bots bool, safe int) string {
	who := l.Two(fmt.Sprintf("%d 人 · %d 人到达安全地点", n, safe), fmt.Sprintf("%d pupils · %d reached safety", n, safe))
	if bots {
		who = l.Two(fmt.Sprintf("%d 个机器人 · %d 个到达安全地点", n, safe), fmt.Sprintf("%d bots · %d reached safety", n, safe))
	}
	return fmt.Sprintf("%s: %.1f / 100 (%s)", l.T("class_avg"), avg, who)
}
