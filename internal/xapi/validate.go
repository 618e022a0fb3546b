package xapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Validate checks one statement, as JSON, against the xAPI 1.0.3 rules
// this package relies on (xAPI-Data.md §2.4): it works on the JSON rather
// than the Go type so that it sees what an LRS sees. It returns every
// problem found, joined.
//
//   - id: an RFC 4122 UUID.
//   - actor: an Agent or Group; an Agent (and an identified Group) has
//     exactly one inverse functional identifier of mbox (mailto: IRI),
//     mbox_sha1sum (40 hex), openid (URI), account {homePage IRL, name};
//     an anonymous Group lists its members.
//   - verb: id an absolute IRI; display a language map.
//   - object: an Activity with an absolute IRI id (objectType "Activity"
//     or absent); definition name/description language maps, type IRI.
//   - result: score.scaled in [−1, 1]; min ≤ raw ≤ max; min < max;
//     success/completion booleans; duration an ISO 8601 duration.
//   - context: registration a UUID; team a Group; instructor an Agent or
//     Group; contextActivities lists of Activities; language a language
//     tag; extension keys IRIs.
//   - timestamp: ISO 8601 date-time with a time zone.
//   - no properties the spec does not define at any level checked.
func Validate(raw []byte) error {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("statement is not a JSON object: %w", err)
	}
	v := &validator{}
	v.statement(m)
	return errors.Join(v.errs...)
}

// ValidateStatement marshals s and validates it.
func ValidateStatement(s Statement) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return Validate(b)
}

type validator struct{ errs []error }

func (v *validator) fail(path, f string, a ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(f, a...)))
}

func (v *validator) only(path string, m map[string]any, allowed ...string) {
	for k := range m {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			v.fail(path, "property %q is not defined by xAPI", k)
		}
	}
}

func (v *validator) obj(path string, x any) (map[string]any, bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(path, "want a JSON object")
	}
	return m, ok
}

func (v *validator) str(path string, x any) (string, bool) {
	s, ok := x.(string)
	if !ok {
		v.fail(path, "want a string")
	}
	return s, ok
}

// iri reports whether s is an absolute IRI: a scheme, a colon and more.
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$`)

func (v *validator) iri(path string, x any) {
	if s, ok := v.str(path, x); ok && !schemeRE.MatchString(s) {
		v.fail(path, "%q is not an absolute IRI", s)
	}
}

func (v *validator) irl(path string, x any) {
	s, ok := v.str(path, x)
	if !ok {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(path, "%q is not an IRL (an http or https address)", s)
	}
}

var langTagRE = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

func (v *validator) langMap(path string, x any) {
	m, ok := v.obj(path, x)
	if !ok {
		return
	}
	for k, t := range m {
		if !langTagRE.MatchString(k) {
			v.fail(path, "%q is not an RFC 5646 language tag", k)
		}
		v.str(path+"."+k, t)
	}
}

func (v *validator) statement(m map[string]any) {
	v.only("statement", m, "id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
		"authority", "version", "attachments")
	if id, ok := m["id"]; !ok {
		v.fail("id", "missing: this sender always sets one")
	} else if s, ok := v.str("id", id); ok {
		if err := checkUUID(s); err != nil {
			v.fail("id", "%v", err)
		}
	}
	for _, k := range []string{"actor", "verb", "object"} {
		if _, ok := m[k]; !ok {
			v.fail(k, "required")
		}
	}
	if a, ok := m["actor"]; ok {
		v.actor("actor", a)
	}
	if x, ok := m["verb"]; ok {
		if vb, ok := v.obj("verb", x); ok {
			v.only("verb", vb, "id", "display")
			if id, ok := vb["id"]; ok {
				v.iri("verb.id", id)
			} else {
				v.fail("verb.id", "required")
			}
			if d, ok := vb["display"]; ok {
				v.langMap("verb.display", d)
			}
		}
	}
	if x, ok := m["object"]; ok {
		v.activity("object", x)
	}
	if x, ok := m["result"]; ok {
		v.result(x)
	}
	if x, ok := m["context"]; ok {
		v.context(x)
	}
	if x, ok := m["timestamp"]; !ok {
		v.fail("timestamp", "missing: this sender always sets one")
	} else if s, ok := v.str("timestamp", x); ok {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			v.fail("timestamp", "%q is not an ISO 8601 date-time with a time zone", s)
		}
	}
	if x, ok := m["version"]; ok {
		if s, ok := v.str("version", x); ok && !strings.HasPrefix(s, "1.0.") && s != "1.0" {
			v.fail("version", "%q is not a 1.0.x version", s)
		}
	}
}

// actor checks an Agent or a Group.
func (v *validator) actor(path string, x any) {
	a, ok := v.obj(path, x)
	if !ok {
		return
	}
	ot, _ := a["objectType"].(string)
	if _, has := a["objectType"]; has && ot != "Agent" && ot != "Group" {
		v.fail(path+".objectType", "%v: want Agent or Group", a["objectType"])
	}
	v.only(path, a, "objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member")
	n := 0
	for _, k := range []string{"mbox", "mbox_sha1sum", "openid", "account"} {
		if _, ok := a[k]; ok {
			n++
		}
	}
	if ot == "Group" && n == 0 {
		mem, ok := a["member"].([]any)
		if !ok || len(mem) == 0 {
			v.fail(path, "an anonymous Group needs its members")
		}
	} else if n != 1 {
		v.fail(path, "has %d inverse functional identifiers, want exactly one", n)
	}
	if ot != "Group" {
		if _, ok := a["member"]; ok {
			v.fail(path+".member", "only a Group has members")
		}
	}
	if s, ok := a["mbox"].(string); ok && !strings.HasPrefix(s, "mailto:") {
		v.fail(path+".mbox", "%q is not a mailto IRI", s)
	}
	if s, ok := a["mbox_sha1sum"].(string); ok && !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(s) {
		v.fail(path+".mbox_sha1sum", "not 40 hex digits")
	}
	if x, ok := a["openid"]; ok {
		v.iri(path+".openid", x)
	}
	if x, ok := a["account"]; ok {
		if acc, ok := v.obj(path+".account", x); ok {
			v.only(path+".account", acc, "homePage", "name")
			if hp, ok := acc["homePage"]; ok {
				v.irl(path+".account.homePage", hp)
			} else {
				v.fail(path+".account.homePage", "required")
			}
			if nm, ok := acc["name"]; !ok {
				v.fail(path+".account.name", "required")
			} else if s, ok := v.str(path+".account.name", nm); ok && s == "" {
				v.fail(path+".account.name", "empty")
			}
		}
	}
	if mem, ok := a["member"].([]any); ok {
		for i, m := range mem {
			p := fmt.Sprintf("%s.member[%d]", path, i)
			if mm, ok := m.(map[string]any); ok && mm["objectType"] == "Group" {
				v.fail(p, "a Group's members are Agents")
			}
			v.actor(p, m)
		}
	}
}

func (v *validator) activity(path string, x any) {
	o, ok := v.obj(path, x)
	if !ok {
		return
	}
	if ot, has := o["objectType"]; has && ot != "Activity" {
		v.fail(path+".objectType", "%v: this sender only sends Activities", ot)
	}
	v.only(path, o, "objectType", "id", "definition")
	if id, ok := o["id"]; ok {
		v.iri(path+".id", id)
	} else {
		v.fail(path+".id", "required")
	}
	if d, ok := o["definition"]; ok {
		if def, ok := v.obj(path+".definition", d); ok {
			v.only(path+".definition", def, "name", "description", "type", "moreInfo", "interactionType",
				"correctResponsesPattern", "choices", "scale", "source", "target", "steps", "extensions")
			for _, k := range []string{"name", "description"} {
				if lm, ok := def[k]; ok {
					v.langMap(path+".definition."+k, lm)
				}
			}
			if t, ok := def["type"]; ok {
				v.iri(path+".definition.type", t)
			}
			if it, ok := def["interactionType"]; ok {
				switch it {
				case "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
					"sequencing", "likert", "numeric", "other":
				default:
					v.fail(path+".definition.interactionType", "%v is not an interaction type", it)
				}
			}
		}
	}
}

// durationRE is ISO 8601's duration as xAPI uses it.
var durationRE = regexp.MustCompile(`^P(?:\d+(?:\.\d+)?W|(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?)$`)

func (v *validator) result(x any) {
	r, ok := v.obj("result", x)
	if !ok {
		return
	}
	v.only("result", r, "score", "success", "completion", "response", "duration", "extensions")
	for _, k := range []string{"success", "completion"} {
		if b, ok := r[k]; ok {
			if _, ok := b.(bool); !ok {
				v.fail("result."+k, "want true or false")
			}
		}
	}
	if s, ok := r["response"]; ok {
		v.str("result.response", s)
	}
	if d, ok := r["duration"]; ok {
		if s, ok := v.str("result.duration", d); ok && (!durationRE.MatchString(s) || s == "P" || strings.HasSuffix(s, "T")) {
			v.fail("result.duration", "%q is not an ISO 8601 duration", s)
		}
	}
	sc, ok := r["score"]
	if !ok {
		return
	}
	s, ok := v.obj("result.score", sc)
	if !ok {
		return
	}
	v.only("result.score", s, "scaled", "raw", "min", "max")
	num := map[string]float64{}
	for _, k := range []string{"scaled", "raw", "min", "max"} {
		if x, ok := s[k]; ok {
			f, ok := x.(float64)
			if !ok {
				v.fail("result.score."+k, "want a number")
				continue
			}
			num[k] = f
		}
	}
	if f, ok := num["scaled"]; ok && (f < -1 || f > 1) {
		v.fail("result.score.scaled", "%v is outside [-1, 1]", f)
	}
	lo, hasLo := num["min"]
	hi, hasHi := num["max"]
	if hasLo && hasHi && !(lo < hi) {
		v.fail("result.score", "min %v is not below max %v", lo, hi)
	}
	if raw, ok := num["raw"]; ok {
		if (hasLo && raw < lo) || (hasHi && raw > hi) {
			v.fail("result.score.raw", "%v is outside [min, max]", raw)
		}
	}
}

func (v *validator) context(x any) {
	c, ok := v.obj("context", x)
	if !ok {
		return
	}
	v.only("context", c, "registration", "instructor", "team", "contextActivities", "revision", "platform",
		"language", "statement", "extensions")
	if r, ok := c["registration"]; ok {
		if s, ok := v.str("context.registration", r); ok {
			if err := checkUUID(s); err != nil {
				v.fail("context.registration", "%v", err)
			}
		}
	}
	if i, ok := c["instructor"]; ok {
		v.actor("context.instructor", i)
	}
	if t, ok := c["team"]; ok {
		if tm, ok := v.obj("context.team", t); ok && tm["objectType"] != "Group" {
			v.fail("context.team", "must be a Group")
		}
		v.actor("context.team", t)
	}
	if l, ok := c["language"]; ok {
		if s, ok := v.str("context.language", l); ok && !langTagRE.MatchString(s) {
			v.fail("context.language", "%q is not an RFC 5646 language tag", s)
		}
	}
	if ca, ok := c["contextActivities"]; ok {
		if m, ok := v.obj("context.contextActivities", ca); ok {
			v.only("context.contextActivities", m, "parent", "grouping", "category", "other")
			for k, list := range m {
				p := "context.contextActivities." + k
				switch l := list.(type) {
				case []any:
					for i, a := range l {
						v.activity(fmt.Sprintf("%s[%d]", p, i), a)
					}
				case map[string]any:
					v.activity(p, l) // a single activity is allowed, and normalised by the LRS
				default:
					v.fail(p, "want an Activity or a list of them")
				}
			}
		}
	}
	if e, ok := c["extensions"]; ok {
		if m, ok := v.obj("context.extensions", e); ok {
			for k := range m {
				v.iri("context.extensions key", k)
			}
		}
	}
}
