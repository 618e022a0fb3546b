// Package scenarios reads drill scenarios written in YAML by trainers, not
// programmers. Every mistake in a file is reported at once, each at its
// file:line:col with the offending line, a caret and a hint, because a
// trainer fixing one error per run gives up long before the drill runs.
//
// A file is checked in three layers, all collected into one Problems list:
//
//  1. YAML syntax (the parser stops at the first syntax error);
//  2. the JSON Schema generated from the engine.Scenario types — the same
//     document the trainer's editor uses through the modeline — for
//     unknown fields, types, enums and limits;
//  3. semantic checks the schema cannot express: references between IDs,
//     rule-specific fields, time order, and (in Load) the map's bounds.
package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/rescuedrill/rescuedrill/engine"
)

// Modeline is how every scenario file starts, followed by the schema's
// path relative to the file. The YAML language server (VS Code and others)
// reads it and then completes and checks fields as the trainer types.
const Modeline = "# yaml-language-server: $schema="

// Document is one scenario file after validation: the scenario as far as
// it could be decoded, and everything wrong with it.
type Document struct {
	Name string // file name used in problem positions
	Src  []byte
	// Scenario is nil only when the YAML itself could not be parsed. When
	// Problems has errors it is a best effort: fields with problems are
	// left at their zero value.
	Scenario *engine.Scenario
	Problems Problems // sorted by position; warnings included

	tree *tree
	// flagged holds the JSON pointers that already have a problem, so a
	// later check does not report the same value twice ("15 minutes" is
	// not a duration; the rule also lacks within:).
	flagged map[string]bool
}

// Validate reads one scenario file and reports every problem in it,
// warnings included. It never fails: an unreadable file is a problem too.
// Map bounds are checked separately (ValidateAgainstMap, or Load).
func Validate(filename string, src []byte) *Document {
	d := &Document{Name: filename, Src: src, flagged: map[string]bool{}}
	d.checkModeline()
	d.parse()
	d.Problems.sort()
	return d
}

// Parse reads one scenario file. The error, when not nil, is a Problems
// listing everything found (warnings too, since they often explain the
// errors); warnings alone are not an error.
func Parse(filename string, src []byte) (*engine.Scenario, error) {
	d := Validate(filename, src)
	if d.Problems.HasErrors() {
		return nil, d.Problems
	}
	return d.Scenario, nil
}

func (d *Document) checkModeline() {
	first := sourceLine(bytes.TrimPrefix(d.Src, []byte("\uFEFF")), 1)
	const hint = "make the first line `" + Modeline + "../schema/scenario.schema.json` " +
		"(the path from this file to scenarios/" + SchemaPath + ") so editors check the file as you type"
	switch {
	case !strings.HasPrefix(first, Modeline):
		d.add(Warning, "", pos{1, 1}, "the file does not start with the yaml-language-server modeline", hint)
	case !strings.HasSuffix(strings.TrimSpace(first), "scenario.schema.json"):
		d.add(Warning, "", pos{1, len([]rune(Modeline)) + 1}, "the modeline does not point at scenario.schema.json", hint)
	}
}

func (d *Document) parse() {
	if at, msg, ok := preflight(d.Src); !ok {
		d.add(Error, "", at, msg, "a scenario is a few pages of YAML; is this the right file?")
		return
	}
	file, err := parseYAML(d.Src)
	if err != nil {
		d.syntaxProblem(err)
		return
	}
	var docs []*documentBody
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, &documentBody{doc.Body, doc.Start})
		}
	}
	if len(docs) == 0 {
		d.add(Error, "", pos{1, 1}, "the file is empty", "start from a built-in scenario: drill scenarios lists them")
		return
	}
	if len(docs) > 1 {
		at := nodePos(docs[1].body)
		if docs[1].start != nil {
			at = pos{docs[1].start.Position.Line, docs[1].start.Position.Column}
		}
		d.add(Error, "", at, "a second YAML document (after ---): a file holds one scenario", "move it to a file of its own")
	}
	d.tree = buildTree(docs[0].body)
	if d.tree.nodes > maxNodes {
		d.add(Error, "", pos{1, 1}, fmt.Sprintf("the file expands to more than %d values", maxNodes),
			"aliases (*name) repeat what their anchor (&name) holds; repeat less")
		return
	}
	for _, e := range d.tree.errs {
		d.add(Error, e.ptr, e.at, e.msg, "")
		d.flagged[e.ptr] = true
	}
	if _, ok := d.tree.root.(map[string]any); !ok {
		d.errAt("", "want a mapping of fields (id: …, title: …) at the top of the file", "")
		d.Scenario = &engine.Scenario{}
		return
	}
	drop := d.schemaProblems()
	d.Scenario = d.decode(drop)
	d.semanticChecks()
}

const (
	// maxFileSize is far above any real scenario (tens of KB).
	maxFileSize = 2 << 20
	// maxScanDepth bounds bracket nesting and "- - -" runs before parsing.
	// Deeper values are refused by the tree walk anyway (maxDepth); this
	// looser, quote-blind count only keeps hostile files away from the
	// parser, which takes time quadratic in nesting depth (a 200 KB line
	// of "[" takes a minute).
	maxScanDepth = 4 * maxDepth
)

// preflight refuses files the parser would take too long on.
func preflight(src []byte) (at pos, msg string, ok bool) {
	if len(src) > maxFileSize {
		return pos{1, 1}, fmt.Sprintf("the file is %d KB, more than the %d KB a scenario may have", len(src)>>10, maxFileSize>>10), false
	}
	line, depth, dashes, lineStart := 1, 0, 0, true
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\n':
			line, dashes, lineStart = line+1, 0, true
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth = max(depth-1, 0)
		case '-':
			if lineStart && i+1 < len(src) && (src[i+1] == ' ' || src[i+1] == '\t') {
				dashes++
			}
		}
		if c := src[i]; c != ' ' && c != '\t' && c != '-' {
			lineStart = false
		}
		if depth > maxScanDepth || dashes > maxScanDepth {
			return pos{line, 1}, fmt.Sprintf("values nested more than %d levels deep", maxScanDepth), false
		}
	}
	return pos{}, "", true
}

type documentBody struct {
	body  ast.Node
	start *token.Token
}

// parseYAML runs the parser, turning a panic into an error: the loader
// must survive any file a trainer (or a fuzzer) hands it.
func parseYAML(src []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this file: %v", r)
		}
	}()
	return parser.ParseBytes(src, 0)
}

func (d *Document) syntaxProblem(err error) {
	at := pos{1, 1}
	msg := err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			at = pos{tk.Position.Line, tk.Position.Column}
		}
	}
	hint := "check the indentation and quotes on this line and the one above; text with a colon (:) or # needs quotes"
	if line := sourceLine(d.Src, at.line); strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
		hint = "YAML indents with spaces, never tabs"
	}
	d.add(Error, "", at, "YAML syntax: "+msg, hint)
}

// decode turns the checked tree into the Go types through encoding/json,
// which is what engine.Seconds and the json tags are written for. Values
// with schema problems are left out, so one bad field does not hide the
// semantic checks of all the others.
func (d *Document) decode(drop map[string]bool) *engine.Scenario {
	clean := without(d.tree.root, "", drop)
	raw, err := json.Marshal(clean)
	sc := &engine.Scenario{}
	if err == nil {
		err = json.Unmarshal(raw, sc)
	}
	// The schema is generated from the same types, so once the values it
	// rejects are gone decoding should not fail; if it does (a schema out
	// of step with the types) say so rather than run a half-read drill.
	var te *json.UnmarshalTypeError
	if err != nil && !(errors.As(err, &te) && len(drop) > 0) {
		ptr := ""
		if te != nil {
			ptr = "/" + strings.ReplaceAll(te.Field, ".", "/")
		}
		d.errAt(ptr, "cannot read this value: "+err.Error(),
			"the schema and the Go types disagree; please report this file")
	}
	return sc
}

// without copies v leaving out the values at the dropped pointers.
func without(v any, ptr string, drop map[string]bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			p := ptrJoin(ptr, k)
			if !drop[p] {
				out[k] = without(e, p, drop)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			p := ptrJoin(ptr, fmt.Sprint(i))
			if !drop[p] {
				out[i] = without(e, p, drop)
			}
		}
		return out
	}
	return v
}

// add records a problem at a source position; path is a JSON pointer.
func (d *Document) add(sev Severity, ptr string, at pos, msg, hint string) {
	path := ""
	if d.tree != nil {
		path = d.tree.display(ptr)
	}
	d.Problems = append(d.Problems, &Problem{
		File: d.Name, Line: at.line, Col: at.col, Path: path,
		Msg: msg, Hint: hint, Severity: sev,
		source: sourceLine(d.Src, at.line),
	})
}

// valPos is where the value at ptr starts (or the nearest existing
// ancestor, for a value that is missing).
func (d *Document) valPos(ptr string) pos {
	s, _ := d.tree.spanOf(ptr)
	return s.val
}

// keyPos is where the key of the value at ptr is.
func (d *Document) keyPos(ptr string) pos {
	s, ok := d.tree.spanOf(ptr)
	if !ok {
		return s.val
	}
	return s.key
}

// errAt reports an error about the value at ptr, once per value.
func (d *Document) errAt(ptr, msg, hint string) {
	d.errAtPos(ptr, d.valPos(ptr), msg, hint)
}

// errAtPos reports an error about ptr shown at another place (a missing
// field is best shown at the field that makes it necessary).
func (d *Document) errAtPos(ptr string, at pos, msg, hint string) {
	if d.coveredBy(ptr) {
		return
	}
	d.flagged[ptr] = true
	d.add(Error, ptr, at, msg, hint)
}

// coveredBy reports whether ptr or a value containing it already has a
// problem: with spawn: missing, "spawn.place names no place" is noise.
// The whole file (ptr "") does not count, or one problem there would hide
// all the others.
func (d *Document) coveredBy(ptr string) bool {
	for p := ptr; p != ""; p, _ = ptrParent(p) {
		if d.flagged[p] {
			return true
		}
	}
	return false
}
