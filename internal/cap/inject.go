package cap

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/warning"
)

// WarningOf maps a CAP alert to the drill's warning input: a hazard and a
// colour. An alert this package wrote says both in its parameters. Any
// other alert (a real past warning a trainer reuses as an inject) is read
// from its first info block: category Geo is the geological-hazard risk;
// Met with an event or headline about heat or temperature (高温) is high
// temperature, other Met is rainstorm; the colour follows severity
// (Extreme red, Severe orange, Moderate yellow, Minor blue), and an
// all-clear (responseType AllClear, or msgType Cancel) lifts the warning.
func WarningOf(a *Alert) (warning.Hazard, warning.Level, error) {
	if a.MsgType == "Ack" || a.MsgType == "Error" {
		return 0, 0, fmt.Errorf("a CAP %s is not a warning", a.MsgType)
	}
	if len(a.Info) == 0 {
		return 0, 0, errors.New("the alert has no <info>: nothing says what the warning is")
	}
	in := &a.Info[0]
	if hs, ls := paramOf(in, ParamHazard), paramOf(in, ParamLevel); hs != "" || ls != "" {
		h, ok := warning.ParseHazard(hs)
		if !ok {
			return 0, 0, fmt.Errorf("parameter %s %q: rainstorm, high_temp or geological", ParamHazard, hs)
		}
		l, ok := warning.ParseLevel(ls)
		if !ok || !warning.Allowed(h, l) {
			return 0, 0, fmt.Errorf("parameter %s %q: no such %s level", ParamLevel, ls, hs)
		}
		return h, l, nil
	}
	var h warning.Hazard
	cats := strings.Join(in.Category, " ")
	words := strings.ToLower(in.Event + " " + in.Headline)
	switch {
	case strings.Contains(cats, "Geo"):
		h = warning.Geological
	case strings.Contains(cats, "Met") && (strings.Contains(words, "高温") || strings.Contains(words, "heat") || strings.Contains(words, "temperature")):
		h = warning.HighTemp
	case strings.Contains(cats, "Met"):
		h = warning.Rainstorm
	default:
		return 0, 0, fmt.Errorf("category %q: a drill takes Met (rainstorm, high temperature) or Geo warnings", cats)
	}
	if a.MsgType == "Cancel" {
		return h, warning.None, nil
	}
	for _, r := range in.ResponseType {
		if r == "AllClear" {
			return h, warning.None, nil
		}
	}
	var l warning.Level
	switch in.Severity {
	case "Extreme":
		l = warning.Red
	case "Severe":
		l = warning.Orange
	case "Moderate":
		l = warning.Yellow
	case "Minor":
		l = warning.Blue
	default:
		return 0, 0, fmt.Errorf("severity %q gives no colour", in.Severity)
	}
	if !warning.Allowed(h, l) {
		return 0, 0, fmt.Errorf("%s has no %s signal (severity %s)", h.Name().EN, l.Name().EN, in.Severity)
	}
	return h, l, nil
}
