package cap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// This is a validator of what the official OASIS CAP-v1.2.xsd checks,
// written from the standard (CAP-v1.2-os, §3.2) and then compared rule by
// rule with the XSD itself and, case by case, with xmllint --schema
// (TestAgainstOfficialXSD, docs/reports.md). The XSD is not vendored: its
// text is OASIS's, and the project keeps third-party text out of its
// files; a Go validator also needs no libxml2 where the exports are made.
//
//   - the root is {urn:oasis:names:tc:emergency:cap:1.2}alert and every
//     element is in that namespace (the schema is elementFormDefault
//     qualified); other elements only at the end of <alert>, and only of
//     the XML-Signature namespace (the schema's <any
//     namespace="http://www.w3.org/2000/09/xmldsig#">, processed laxly);
//   - no attributes on CAP elements (the schema declares none), but
//     namespace declarations and xsi:schemaLocation;
//   - each complex type's <sequence>: element order, minOccurs and
//     maxOccurs, and no unknown elements, no text between child elements;
//   - the enumerations: status, msgType, scope, category, responseType,
//     urgency, severity, certainty (xs:string: exact, spaces count);
//   - the restricted date-time of sent, effective, onset and expires: an
//     xs:dateTime (a real date, hours to 24:00:00, offsets to ±14:00,
//     surrounding white space collapsed) matching the pattern
//     \d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d (the comma the pattern
//     allows is no xs:dateTime, so it fails);
//   - simple types: language (xs:language; an empty element takes the
//     default en-US), size (xs:integer), altitude and ceiling
//     (xs:decimal), web, uri (xs:anyURI);
//
// stricter than the schema only in that the root must be <alert> (the
// schema also declares <valueName> and <value> globally) and DTDs are
// refused;
//
// and, beyond the schema, the standard's normative text: identifier and
// sender without spaces, commas, < or &; restriction given for scope
// Restricted and addresses for Private; references as sender,identifier,sent
// triples; polygons of at least four WGS 84 points, first and last equal;
// circles "lat,lon radius"; ceiling only with altitude.

type node struct {
	name     xml.Name
	attr     []xml.Attr
	children []*node
	text     string // character data directly inside
}

func parseTree(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attr: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, errors.New("text outside the root element")
			}
		case xml.Directive:
			return nil, errors.New("DTDs and entity declarations are not allowed in a CAP alert")
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// particle is one element of a sequence.
type particle struct {
	name     string
	min, max int // max −1: unbounded
	check    func(v *validator, path string, n *node)
}

const unbounded = -1

// xmldsigNS is the only namespace the schema's <any> admits (at the end of
// <alert>, for signatures).
const xmldsigNS = "http://www.w3.org/2000/09/xmldsig#"

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// attrs refuses the attributes the schema does not allow: it declares none,
// so only namespace declarations and xsi:schemaLocation pass (xsi:nil and
// xsi:type would need nillable elements and derived types CAP lacks).
func (v *validator) attrs(path string, n *node) {
	for _, a := range n.attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns", a.Name.Space == "xmlns":
		case a.Name.Space == xsiNS && (a.Name.Local == "schemaLocation" || a.Name.Local == "noNamespaceSchemaLocation"):
		default:
			name := a.Name.Local
			if a.Name.Space != "" {
				name = "{" + a.Name.Space + "}" + name
			}
			v.fail(path, "attribute %s is not allowed (CAP elements have none)", name)
		}
	}
}

type validator struct{ errs []error }

func (v *validator) fail(path, f string, a ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(f, a...)))
}

// sequence checks n's children against a schema sequence; signatures
// allows XML-Signature elements at the end (the schema's xs:any).
func (v *validator) sequence(path string, n *node, seq []particle, signatures bool) map[string][]*node {
	got := map[string][]*node{}
	v.attrs(path, n)
	if strings.TrimSpace(n.text) != "" {
		v.fail(path, "text %q where only elements belong", strings.TrimSpace(n.text))
	}
	k := 0
	count := 0
	for _, c := range n.children {
		if c.name.Space != Namespace {
			if signatures && c.name.Space == xmldsigNS {
				k = len(seq) // nothing of ours may follow
				continue
			}
			v.fail(path, "element {%s}%s is not allowed here", c.name.Space, c.name.Local)
			continue
		}
		// Advance through the sequence to c's particle.
		for k < len(seq) && seq[k].name != c.name.Local {
			if count < seq[k].min {
				v.fail(path, "<%s> is required before <%s>", seq[k].name, c.name.Local)
			}
			k++
			count = 0
		}
		if k == len(seq) {
			known := false
			for _, p := range seq {
				known = known || p.name == c.name.Local
			}
			if known {
				v.fail(path, "<%s> is out of order", c.name.Local)
			} else {
				v.fail(path, "<%s> is not a CAP element here", c.name.Local)
			}
			continue
		}
		count++
		if seq[k].max != unbounded && count > seq[k].max {
			v.fail(path, "<%s> may appear at most %d time(s)", c.name.Local, seq[k].max)
		}
		got[c.name.Local] = append(got[c.name.Local], c)
		p := fmt.Sprintf("%s/%s", path, c.name.Local)
		if n := len(got[c.name.Local]); seq[k].max != 1 {
			p = fmt.Sprintf("%s[%d]", p, n)
		}
		if seq[k].check != nil {
			seq[k].check(v, p, c)
		}
	}
	for ; k < len(seq); k++ {
		if len(got[seq[k].name]) < seq[k].min {
			v.fail(path, "<%s> is required", seq[k].name)
		}
	}
	return got
}

// simple checks an element with text content only.
func simple(f func(v *validator, path, s string)) func(v *validator, path string, n *node) {
	return func(v *validator, path string, n *node) {
		v.attrs(path, n)
		if len(n.children) > 0 {
			v.fail(path, "has child elements; want text")
			return
		}
		if f != nil {
			f(v, path, n.text)
		}
	}
}

func enum(vals ...string) func(v *validator, path string, n *node) {
	return simple(func(v *validator, path, s string) {
		// Enumerations are xs:string: the value must match exactly.
		for _, e := range vals {
			if s == e {
				return
			}
		}
		v.fail(path, "%q is not one of %s", s, strings.Join(vals, ", "))
	})
}

var dateTimeRE = regexp.MustCompile(`^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d$`)

var dateTime = simple(func(v *validator, path, s string) {
	s = collapse(s) // xs:dateTime collapses white space before the pattern applies
	if !dateTimeRE.MatchString(s) {
		v.fail(path, "%q does not match CAP's date-time pattern (2026-06-03T09:30:00+08:00)", s)
		return
	}
	if why := dateTimeValue(s); why != "" {
		v.fail(path, "%q is not an xs:dateTime: %s", s, why)
	}
})

// collapse is XML Schema's whiteSpace="collapse": runs of white space
// become one space, none at either end.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// dateTimeValue checks what the pattern cannot: that a pattern-matching
// string is an xs:dateTime (XML Schema 1.0 as libxml2 applies it). It
// returns why not, or "".
func dateTimeValue(s string) string {
	num := func(a, b int) int { n, _ := strconv.Atoi(s[a:b]); return n }
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	offH, offM := num(20, 22), num(23, 25)
	leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	switch {
	case s[19] == ',':
		return "the time-zone offset needs + or -"
	case year == 0:
		return "there is no year 0000"
	case month < 1 || month > 12:
		return "no such month"
	case day < 1 || day > days[month-1] && !(month == 2 && day == 29 && leap):
		return "no such day in that month"
	case hour == 24 && (minute != 0 || sec != 0), hour > 24:
		return "no such hour"
	case minute > 59 || sec > 59:
		return "minutes and seconds run to 59"
	case offH > 14 || offM > 59 || offH == 14 && offM != 0:
		return "time-zone offsets run to ±14:00"
	}
	return ""
}

var plainText = simple(nil)

var languageRE = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

var language = simple(func(v *validator, path, s string) {
	if s == "" {
		return // an empty <language/> takes the schema's default, en-US
	}
	if !languageRE.MatchString(collapse(s)) {
		v.fail(path, "%q is not an xs:language", s)
	}
})

var anyURI = simple(func(v *validator, path, s string) {
	if _, err := url.Parse(strings.TrimSpace(s)); err != nil {
		v.fail(path, "%q is not an xs:anyURI", s)
	}
})

var integer = simple(func(v *validator, path, s string) {
	if _, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err != nil {
		v.fail(path, "%q is not an xs:integer", s)
	}
})

var decimal = simple(func(v *validator, path, s string) {
	if !regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`).MatchString(strings.TrimSpace(s)) {
		v.fail(path, "%q is not an xs:decimal", s)
	}
})

// noSpecials is the standard's rule for identifier and sender.
var noSpecials = simple(func(v *validator, path, s string) {
	if s == "" || strings.ContainsAny(s, " ,<&\t\n\r") {
		v.fail(path, "%q: must be non-empty without spaces, commas, < or &", s)
	}
})

var valuePair = func(v *validator, path string, n *node) {
	v.sequence(path, n, []particle{{"valueName", 1, 1, plainText}, {"value", 1, 1, plainText}}, false)
}

func latLonPair(v *validator, path, s string) bool {
	la, lo, ok := strings.Cut(s, ",")
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	if !ok || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		v.fail(path, "%q is not a WGS 84 latitude,longitude", s)
		return false
	}
	return true
}

var polygon = simple(func(v *validator, path, s string) {
	pts := strings.Fields(s)
	if len(pts) < 4 {
		v.fail(path, "a polygon needs at least four points, got %d", len(pts))
		return
	}
	for _, p := range pts {
		if !latLonPair(v, path, p) {
			return
		}
	}
	if pts[0] != pts[len(pts)-1] {
		v.fail(path, "the polygon is not closed: first point %s, last %s", pts[0], pts[len(pts)-1])
	}
})

var circle = simple(func(v *validator, path, s string) {
	f := strings.Fields(s)
	if len(f) != 2 {
		v.fail(path, "%q: want \"lat,lon radius\"", s)
		return
	}
	latLonPair(v, path, f[0])
	if r, err := strconv.ParseFloat(f[1], 64); err != nil || r < 0 {
		v.fail(path, "radius %q is not a distance in km", f[1])
	}
})

var refsRE = regexp.MustCompile(`^[^\s,<&]+,[^\s,<&]+,\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d$`)

var references = simple(func(v *validator, path, s string) {
	for _, r := range strings.Fields(s) {
		if !refsRE.MatchString(r) {
			v.fail(path, "%q is not sender,identifier,sent", r)
		}
	}
})

var resourceSeq = []particle{
	{"resourceDesc", 1, 1, plainText}, {"mimeType", 1, 1, plainText}, {"size", 0, 1, integer}, {"uri", 0, 1, anyURI},
	{"derefUri", 0, 1, plainText}, {"digest", 0, 1, plainText},
}

var areaSeq = []particle{
	{"areaDesc", 1, 1, plainText}, {"polygon", 0, unbounded, polygon}, {"circle", 0, unbounded, circle},
	{"geocode", 0, unbounded, valuePair}, {"altitude", 0, 1, decimal}, {"ceiling", 0, 1, decimal},
}

var infoSeq = []particle{
	{"language", 0, 1, language},
	{"category", 1, unbounded, enum("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other")},
	{"event", 1, 1, plainText},
	{"responseType", 0, unbounded, enum("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None")},
	{"urgency", 1, 1, enum("Immediate", "Expected", "Future", "Past", "Unknown")},
	{"severity", 1, 1, enum("Extreme", "Severe", "Moderate", "Minor", "Unknown")},
	{"certainty", 1, 1, enum("Observed", "Likely", "Possible", "Unlikely", "Unknown")},
	{"audience", 0, 1, plainText},
	{"eventCode", 0, unbounded, valuePair},
	{"effective", 0, 1, dateTime}, {"onset", 0, 1, dateTime}, {"expires", 0, 1, dateTime},
	{"senderName", 0, 1, plainText}, {"headline", 0, 1, plainText}, {"description", 0, 1, plainText}, {"instruction", 0, 1, plainText},
	{"web", 0, 1, anyURI}, {"contact", 0, 1, plainText},
	{"parameter", 0, unbounded, valuePair},
	{"resource", 0, unbounded, func(v *validator, path string, n *node) { v.sequence(path, n, resourceSeq, false) }},
	{"area", 0, unbounded, func(v *validator, path string, n *node) {
		got := v.sequence(path, n, areaSeq, false)
		if len(got["ceiling"]) > 0 && len(got["altitude"]) == 0 {
			v.fail(path, "<ceiling> needs <altitude>")
		}
	}},
}

var alertSeq = []particle{
	{"identifier", 1, 1, noSpecials}, {"sender", 1, 1, noSpecials}, {"sent", 1, 1, dateTime},
	{"status", 1, 1, enum("Actual", "Exercise", "System", "Test", "Draft")},
	{"msgType", 1, 1, enum("Alert", "Update", "Cancel", "Ack", "Error")},
	{"source", 0, 1, plainText},
	{"scope", 1, 1, enum("Public", "Restricted", "Private")},
	{"restriction", 0, 1, plainText}, {"addresses", 0, 1, plainText},
	{"code", 0, unbounded, plainText}, {"note", 0, 1, plainText}, {"references", 0, 1, references},
	{"incidents", 0, 1, plainText},
	{"info", 0, unbounded, func(v *validator, path string, n *node) { v.sequence(path, n, infoSeq, false) }},
}

// Validate checks a CAP 1.2 document (see the list at the top of this
// file) and returns every problem found, joined.
func Validate(data []byte) error {
	root, err := parseTree(data)
	if err != nil {
		return err
	}
	if root.name.Space != Namespace || root.name.Local != "alert" {
		return fmt.Errorf("root element {%s}%s: want {%s}alert", root.name.Space, root.name.Local, Namespace)
	}
	v := &validator{}
	got := v.sequence("/alert", root, alertSeq, true)
	scope := ""
	if s := got["scope"]; len(s) == 1 {
		scope = s[0].text
	}
	if scope == "Restricted" && len(got["restriction"]) == 0 {
		v.fail("/alert", "scope Restricted needs <restriction>")
	}
	if scope == "Private" && len(got["addresses"]) == 0 {
		v.fail("/alert", "scope Private needs <addresses>")
	}
	return errors.Join(v.errs...)
}
