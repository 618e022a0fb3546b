package report

import (
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/engine/warning"
)

// clock writes a drill tick as drill time (1m05s).
func clock(tick uint64, hz int) string {
	if hz <= 0 {
		return "-"
	}
	return engine.Seconds(float64(tick) / float64(hz)).String()
}

func (c *collector) who(e *engine.Event) Text {
	if p := c.people[e.Who]; p != nil && e.Who >= 0 {
		return Text{ZH: p.Name, EN: p.Name}
	}
	if e.NPC != "" {
		return Text{ZH: e.NPC, EN: e.NPC}
	}
	return Text{}
}

// placeName names a place by ID, or gives the ID back.
func (c *collector) placeName(id string) Text {
	if spec, _, _, ok := c.w.Place(id); ok {
		return spec.Name
	}
	return Text{ZH: id, EN: id}
}

// placesAt names the places at a point, "" when none.
func (c *collector) placesAt(x, y float64) Text {
	var t Text
	for _, id := range c.w.PlaceAt(x, y) {
		n := c.placeName(id)
		if t.EN != "" {
			t.EN += ", "
			t.ZH += "、"
		}
		t.EN += n.EN
		t.ZH += n.ZH
	}
	return t
}

func (c *collector) inject(id string) *engine.Inject {
	sc := c.w.Scenario()
	for i := range sc.Injects {
		if sc.Injects[i].ID == id {
			return &sc.Injects[i]
		}
	}
	return nil
}

var actionNames = map[string]Text{
	"switch_off_power": {ZH: "关闭电源", EN: "switch off the power"},
	"take_water":       {ZH: "拿水", EN: "take water"},
	"drink":            {ZH: "喝水", EN: "drink"},
	"call_120":         {ZH: "拨打120", EN: "call 120"},
	"report_hazard":    {ZH: "报告险情", EN: "report the hazard"},
	"help":             {ZH: "帮助他人", EN: "help someone"},
	"give_water":       {ZH: "给水", EN: "give water"},
	"move_to_shade":    {ZH: "转移到阴凉处", EN: "move to shade"},
	"rest":             {ZH: "休息", EN: "rest"},
}

func actionName(a string) Text {
	if t, ok := actionNames[a]; ok {
		return t
	}
	return Text{ZH: a, EN: strings.ReplaceAll(a, "_", " ")}
}

// describe puts a key event into words in both languages.
func (c *collector) describe(e *engine.Event) Text {
	who := c.who(e)
	switch e.Kind {
	case engine.EvWarning:
		h, _ := warning.ParseHazard(e.Ref)
		l, _ := warning.ParseLevel(e.Level)
		t := warning.Title(h, l)
		a := l.Action()
		return Text{ZH: fmt.Sprintf("%s（%s）", t.ZH, a.ZH), EN: fmt.Sprintf("%s (%s)", t.EN, a.EN)}
	case engine.EvMessage:
		if in := c.inject(e.Ref); in != nil && in.Message != nil {
			return Text{ZH: "消息：" + in.Message.ZH, EN: "Message: " + in.Message.EN}
		}
	case engine.EvPrompt:
		if in := c.inject(e.Ref); in != nil && in.Prompt != nil {
			return Text{ZH: "提问：" + in.Prompt.Question.ZH, EN: "Question: " + in.Prompt.Question.EN}
		}
	case engine.EvAnswered:
		opt := Text{ZH: e.Level, EN: e.Level}
		if in := c.inject(e.Ref); in != nil && in.Prompt != nil {
			for _, o := range in.Prompt.Options {
				if o.ID == e.Level {
					opt = o.Text
				}
			}
		}
		ok := Text{ZH: "错误", EN: "wrong"}
		if e.OK {
			ok = Text{ZH: "正确", EN: "right"}
		}
		return Text{ZH: fmt.Sprintf("%s 回答“%s”（%s）", who.ZH, opt.ZH, ok.ZH), EN: fmt.Sprintf("%s answered “%s” (%s)", who.EN, opt.EN, ok.EN)}
	case engine.EvAction:
		a := actionName(e.Ref)
		t := Text{ZH: fmt.Sprintf("%s %s", who.ZH, a.ZH), EN: fmt.Sprintf("%s: %s", who.EN, a.EN)}
		if !e.OK {
			t.ZH += "（无效）"
			t.EN += " (no effect)"
		}
		return t
	case engine.EvHelped:
		return Text{ZH: fmt.Sprintf("%s 帮助了 %s", who.ZH, e.NPC), EN: fmt.Sprintf("%s helped %s", who.EN, e.NPC)}
	case engine.EvEnteredPlace:
		n := c.placeName(e.Ref)
		return Text{ZH: fmt.Sprintf("%s 进入%s", who.ZH, n.ZH), EN: fmt.Sprintf("%s entered %s", who.EN, n.EN)}
	case engine.EvCueAppeared:
		return Text{ZH: "出现征兆：" + e.Ref, EN: "Warning sign: " + strings.ReplaceAll(e.Ref, "_", " ")}
	case engine.EvSlideStarted:
		return Text{ZH: "滑坡 " + e.Ref + " 发生", EN: "Landslide " + e.Ref + " starts"}
	case engine.EvSwept:
		return Text{ZH: fmt.Sprintf("%s 被水冲倒（水深 %.2f 米）", who.ZH, e.Value), EN: fmt.Sprintf("%s swept off their feet (%.2f m of water)", who.EN, e.Value)}
	case engine.EvBuried:
		return Text{ZH: fmt.Sprintf("%s 被滑坡体掩埋（%.2f 米）", who.ZH, e.Value), EN: fmt.Sprintf("%s caught by debris (%.2f m)", who.EN, e.Value)}
	case engine.EvSymptoms:
		return Text{ZH: fmt.Sprintf("%s 出现中暑症状（%s）", who.ZH, e.Level), EN: fmt.Sprintf("%s shows heat-illness symptoms (%s)", who.EN, e.Level)}
	case engine.EvCollapsed:
		return Text{ZH: fmt.Sprintf("%s 中暑倒下（核心体温 %.1f °C）", who.ZH, e.Value), EN: fmt.Sprintf("%s collapsed with heat stroke (core %.1f °C)", who.EN, e.Value)}
	case engine.EvRecovered:
		return Text{ZH: who.ZH + " 经急救恢复", EN: who.EN + " recovered after first aid"}
	case engine.EvLeft:
		return Text{ZH: who.ZH + " 离开演练", EN: who.EN + " left the drill"}
	case engine.EvDrillEnded:
		return Text{ZH: "演练结束", EN: "The drill ends"}
	}
	return Text{ZH: e.Kind.String() + " " + e.Ref, EN: e.Kind.String() + " " + e.Ref}
}

// harmWhy says how a participant came to harm, where and when.
func (c *collector) harmWhy(e *engine.Event) Text {
	at := clock(e.Tick, c.w.TickHz())
	where := c.placesAt(e.X, e.Y)
	wZH, wEN := "", ""
	if where.EN != "" {
		wZH, wEN = "，在"+where.ZH, " at "+where.EN
	}
	switch e.Kind {
	case engine.EvSwept:
		return Text{ZH: fmt.Sprintf("%s 被水深 %.2f 米的水流冲倒%s", at, e.Value, wZH),
			EN: fmt.Sprintf("swept off their feet at %s in %.2f m of moving water%s", at, e.Value, wEN)}
	case engine.EvBuried:
		return Text{ZH: fmt.Sprintf("%s 被 %.2f 米厚的滑坡体掩埋%s", at, e.Value, wZH),
			EN: fmt.Sprintf("caught by %.2f m of landslide debris at %s%s", e.Value, at, wEN)}
	case engine.EvCollapsed:
		return Text{ZH: fmt.Sprintf("%s 中暑倒下，核心体温 %.1f °C%s", at, e.Value, wZH),
			EN: fmt.Sprintf("collapsed with heat stroke at %s, core %.1f °C%s", at, e.Value, wEN)}
	}
	return Text{}
}
