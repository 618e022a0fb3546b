package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"
)

//go:embed report.html.tmpl
var pageTemplate string

// Lang picks the report's language(s).
type Lang string

const (
	LangZH   Lang = "zh"
	LangEN   Lang = "en"
	LangBoth Lang = "both"
)

// ParseLang reads zh, en or both.
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case LangZH, LangEN, LangBoth:
		return Lang(s), nil
	case "zh-CN", "zh-cn":
		return LangZH, nil
	}
	return "", fmt.Errorf("language %q: zh, en or both", s)
}

type renderer struct {
	d    *Data
	lang Lang
}

// txt is a Text as plain text in the report's language(s).
func (r *renderer) txt(t Text) string {
	switch r.lang {
	case LangZH:
		return t.ZH
	case LangEN:
		return t.EN
	}
	if t.ZH == t.EN || t.ZH == "" {
		return t.EN
	}
	if t.EN == "" {
		return t.ZH
	}
	return t.ZH + " / " + t.EN
}

// Render writes the report as one HTML document.
func Render(w io.Writer, d *Data, lang Lang) error {
	if lang == "" {
		lang = LangBoth
	}
	r := &renderer{d: d, lang: lang}
	funcs := template.FuncMap{
		// t shows both languages in their own elements (so the page
		// declares each span's language for screen readers and fonts), or
		// just the one asked for.
		"t": func(t Text) template.HTML {
			esc := template.HTMLEscapeString
			switch {
			case lang == LangZH:
				return template.HTML(`<span lang="zh-CN">` + esc(t.ZH) + `</span>`)
			case lang == LangEN || t.ZH == t.EN || t.ZH == "":
				return template.HTML(`<span lang="en">` + esc(t.EN) + `</span>`)
			case t.EN == "":
				return template.HTML(`<span lang="zh-CN">` + esc(t.ZH) + `</span>`)
			}
			return template.HTML(`<span lang="zh-CN">` + esc(t.ZH) + `</span><span class="en" lang="en">` + esc(t.EN) + `</span>`)
		},
		// plain is t for where markup shows literally (<title>).
		"plain": r.txt,
		"zhen":  func(zh, en string) Text { return Text{ZH: zh, EN: en} },
		"clock": func(tick uint64) string { return clock(tick, d.TickHz) },
		"secs":  func(s float64) string { return fmt.Sprintf("%.0f s", s) },
		"since": func(p Participant) string {
			if !p.Safe {
				return "—"
			}
			return fmt.Sprintf("%.0f s", float64(p.SafeTick-p.Joined)/float64(d.TickHz))
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Format("2006-01-02 15:04 MST")
		},
		"pol": func(p string) string {
			if p == "" {
				return "human"
			}
			return p
		},
		"pct": func(a, b int) string {
			if b == 0 {
				return "—"
			}
			return fmt.Sprintf("%d%%", (100*a+b/2)/b)
		},
		"ratings": func(m map[string]int) []ratingCount {
			var out []ratingCount
			for _, k := range []string{"P", "S", "M", "U", "-"} {
				if m[k] > 0 {
					out = append(out, ratingCount{k, m[k]})
				}
			}
			return out
		},
		"outcome": func(o string) Text {
			if t, ok := outcomes[o]; ok {
				return t
			}
			return Text{ZH: o, EN: o}
		},
		"trackMap":  r.trackMap,
		"momentMap": r.momentMap,
		"htmlLang": func() string {
			if lang == LangEN {
				return "en"
			}
			return "zh-CN"
		},
		"guideLevels": func() []Warning { return issued(d.Warnings) },
	}
	tpl, err := template.New("report").Funcs(funcs).Parse(pageTemplate)
	if err != nil {
		return err
	}
	return tpl.Execute(w, d)
}

// outcomes names the engine's outcomes (World.outcome) for people.
var outcomes = map[string]Text{
	"safe":      {ZH: "安全", EN: "safe"},
	"unsafe":    {ZH: "未到达安全地点", EN: "not in a safe place"},
	"swept":     {ZH: "被水冲倒", EN: "swept away"},
	"buried":    {ZH: "被掩埋", EN: "buried"},
	"collapsed": {ZH: "中暑倒下", EN: "collapsed"},
	"left":      {ZH: "中途离开", EN: "left"},
}

type ratingCount struct {
	Rating string
	N      int
}

// issued keeps one warning per hazard and level (the action guides), in
// the order they were first issued; all-clears are left out.
func issued(ws []Warning) []Warning {
	seen := map[string]bool{}
	var out []Warning
	for _, w := range ws {
		k := w.Hazard + "/" + w.Level
		if w.Level == "none" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, w)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Tick < out[j].Tick })
	return out
}
