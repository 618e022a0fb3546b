package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/rescuedrill/rescuedrill/engine"
)

// schemaProblems validates the tree against the schema and turns each
// failure into a problem a trainer can act on. It returns the pointers of
// values that must not be decoded (wrong type, bad duration, unknown
// field) so the rest of the file still decodes and gets its semantic
// checks.
func (d *Document) schemaProblems() (drop map[string]bool) {
	drop = map[string]bool{}
	sch, err := compiledSchema()
	if err != nil {
		d.add(Error, "", pos{1, 1}, err.Error(), "this is a bug in the program, not in the file")
		return drop
	}
	var ve *sjs.ValidationError
	if err := sch.Validate(d.tree.root); errors.As(err, &ve) {
		d.fromValidation(ve, drop)
	} else if err != nil {
		d.add(Error, "", pos{1, 1}, err.Error(), "")
	}
	return drop
}

var printer = message.NewPrinter(language.English)

func (d *Document) fromValidation(e *sjs.ValidationError, drop map[string]bool) {
	ptr := ptrOf(e.InstanceLocation)
	val, _ := d.tree.valueAt(ptr)
	goType, field := goTypeAt(ptr)
	desc := describe(field)

	leaf := func(msg, hint string) {
		drop[ptr] = true
		d.errAt(ptr, msg, hint)
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
		for _, c := range e.Causes {
			d.fromValidation(c, drop)
		}
	case *kind.AdditionalProperties:
		known := fieldNames(goType)
		for _, name := range k.Properties {
			p := ptrJoin(ptr, name)
			drop[p] = true
			hint := "fields allowed here: " + strings.Join(known, ", ")
			if c := closest(name, known); c != "" {
				hint = fmt.Sprintf("did you mean %q?", c)
			}
			d.errAtPos(p, d.keyPos(p), fmt.Sprintf("unknown field %q", name), hint)
		}
	case *kind.Required:
		for _, name := range k.Missing {
			p := ptrJoin(ptr, name)
			_, f := goTypeAt(p)
			hint := fmt.Sprintf("add %s:", name)
			if fd := describe(f); fd != "" {
				hint += " — " + fd
			}
			d.errAtPos(p, d.valPos(ptr), fmt.Sprintf("missing required field %q", name), hint)
		}
	case *kind.AnyOf, *kind.OneOf:
		if goType == secondsType {
			hint := "write seconds (900) or numbers with units h, m, s and no spaces: 90s, 15m, 1h30m"
			if s, ok := val.(string); ok {
				if fix := suggestSeconds(s); fix != "" {
					hint = fmt.Sprintf("did you mean %s?", fix)
				}
			}
			leaf(secondsMessage(val), hint)
			return
		}
		leaf("this value does not match any of the allowed forms", desc)
	case *kind.Type:
		if val == nil {
			leaf("is empty: want "+typeWords(k.Want), desc)
			return
		}
		leaf(fmt.Sprintf("want %s, got %s", typeWords(k.Want), valueWords(val)), desc)
	case *kind.Enum:
		leaf(notKnown(val, ptr), enumHint(val, k.Want))
	case *kind.Const:
		leaf(notKnown(val, ptr), enumHint(val, []any{k.Want}))
	case *kind.Pattern:
		hint := desc
		if strings.HasSuffix(ptr, "/id") || hint == "" {
			hint = "IDs use lower case letters, digits, - and _, starting with a letter or digit: school-gate"
		}
		leaf(fmt.Sprintf("%q is not a valid %s", k.Got, lastName(ptr)), hint)
	case *kind.Minimum:
		leaf(fmt.Sprintf("%s is below the minimum %s", ratWords(k.Got), ratWords(k.Want)), desc)
	case *kind.ExclusiveMinimum:
		leaf(fmt.Sprintf("%s must be more than %s", ratWords(k.Got), ratWords(k.Want)), desc)
	case *kind.Maximum:
		leaf(fmt.Sprintf("%s is above the maximum %s", ratWords(k.Got), ratWords(k.Want)), desc)
	case *kind.ExclusiveMaximum:
		leaf(fmt.Sprintf("%s must be less than %s", ratWords(k.Got), ratWords(k.Want)), desc)
	case *kind.MinItems:
		// The list is kept for decoding; only its length is wrong.
		d.errAt(ptr, itemsMessage(field, k.Got, k.Want, "at least"), desc)
	case *kind.MaxItems:
		d.errAt(ptr, itemsMessage(field, k.Got, k.Want, "at most"), desc)
	default:
		leaf(e.ErrorKind.LocalizedString(printer), desc)
	}
}

// notKnown: `"schol" is not a known kind`, or for a list item
// `"rainstrom" is not allowed in auto`.
func notKnown(val any, ptr string) string {
	parent, last := ptrParent(ptr)
	if _, err := strconv.Atoi(last); err == nil && parent != "" {
		return fmt.Sprintf("%s is not allowed in %s", quoted(val), lastName(parent))
	}
	return fmt.Sprintf("%s is not a known %s", quoted(val), lastName(ptr))
}

// quoted renders a value for a message: text quoted, numbers bare.
func quoted(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return valueWords(v)
}

// unitWords maps what trainers write ("15 minutes", "2 hrs", "30 sec",
// "10分钟") to the unit engine.ParseSeconds wants.
var unitWords = map[string]string{
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "小时": "h",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m", "分": "m", "分钟": "m",
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "秒": "s", "秒钟": "s",
}

// suggestSeconds rewrites a near-miss duration ("15 minutes", "1 h 30 m")
// into the accepted form ("15m", "1h30m"), or returns "".
func suggestSeconds(s string) string {
	var out strings.Builder
	rest := strings.TrimSpace(s)
	for rest != "" {
		j := 0
		for j < len(rest) && (rest[j] == '.' || (rest[j] >= '0' && rest[j] <= '9')) {
			j++
		}
		if j == 0 {
			return ""
		}
		num := rest[:j]
		rest = strings.TrimLeft(rest[j:], " ")
		k := 0
		for k < len(rest) && rest[k] != ' ' && (rest[k] < '0' || rest[k] > '9') {
			k++
		}
		unit, ok := unitWords[strings.ToLower(strings.TrimSuffix(rest[:k], ","))]
		if !ok {
			return ""
		}
		out.WriteString(num + unit)
		rest = strings.TrimLeft(rest[k:], " ,")
	}
	fix := out.String()
	if _, err := engine.ParseSeconds(fix); err != nil || fix == s {
		return ""
	}
	return fix
}

// secondsMessage explains a value that is not a duration, using the
// engine's own parser so the wording matches what it accepts.
func secondsMessage(v any) string {
	switch v := v.(type) {
	case nil:
		return "is empty: want a duration"
	case string:
		return fmt.Sprintf("%q is not a duration", v)
	case json.Number:
		return fmt.Sprintf("duration %s is negative", v)
	}
	return fmt.Sprintf("want a duration, got %s", valueWords(v))
}

// itemsMessage: "has 3 items, want exactly 4" for [x0 y0 x1 y1].
func itemsMessage(f *reflect.StructField, got, want int, bound string) string {
	if f != nil {
		tags := schemaTags(f)
		if tags["minItems"] != "" && tags["minItems"] == tags["maxItems"] {
			bound = "exactly"
		}
	}
	noun := "item"
	if f != nil && f.Type.Kind() == reflect.Slice {
		switch f.Type.Elem().Kind() {
		case reflect.Float64, reflect.Int:
			noun = "number"
		case reflect.String:
			noun = "ID"
		}
	}
	return fmt.Sprintf("has %d %s, want %s %d", got, plural(got, noun), bound, want)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func enumHint(got any, want []any) string {
	opts := make([]string, len(want))
	for i, w := range want {
		opts[i] = fmt.Sprint(w)
	}
	if s, ok := got.(string); ok {
		if c := closest(s, opts); c != "" {
			return fmt.Sprintf("did you mean %q?", c)
		}
	}
	return "use one of: " + strings.Join(opts, ", ")
}

// typeWords names JSON types the way a trainer thinks of YAML values.
func typeWords(types []string) string {
	words := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "object":
			words[i] = "a mapping (key: value lines)"
		case "array":
			words[i] = "a list"
		case "string":
			words[i] = "text"
		case "number":
			words[i] = "a number"
		case "integer":
			words[i] = "a whole number"
		case "boolean":
			words[i] = "true or false"
		default:
			words[i] = t
		}
	}
	return strings.Join(words, " or ")
}

func valueWords(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("text %q", v)
	case json.Number:
		return "the number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

func ratWords(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// lastName is the field a pointer ends in, for messages.
func lastName(ptr string) string {
	_, last := ptrParent(ptr)
	if last == "" {
		return "value"
	}
	return last
}

// goTypeAt follows a JSON pointer through the Go types, returning the type
// of the value there and the struct field that holds it (nil for list
// items and the root). Hints come from the same tags as the schema.
func goTypeAt(ptr string) (reflect.Type, *reflect.StructField) {
	t := reflect.TypeFor[engine.Scenario]()
	var field *reflect.StructField
	for _, tok := range ptrSplit(ptr) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			f, ok := fieldByJSONName(t, tok)
			if !ok {
				return nil, nil
			}
			field, t = &f, f.Type
		case reflect.Slice:
			field, t = nil, t.Elem()
		default:
			return nil, nil
		}
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, field
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames lists the fields a mapping of type t may have, in the order
// the Go type declares them (which is the order the docs use).
func fieldNames(t reflect.Type) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		if n := jsonName(t.Field(i)); n != "" && n != "-" {
			names = append(names, n)
		}
	}
	return names
}

// schemaTags parses a field's jsonschema tag into name → value (the last
// value for repeated names such as enum, which is all callers need).
func schemaTags(f *reflect.StructField) map[string]string {
	out := map[string]string{}
	if f == nil {
		return out
	}
	for _, part := range strings.Split(f.Tag.Get("jsonschema"), ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			out[k] = v
		}
	}
	return out
}

// describe is a field's description from its jsonschema tag.
func describe(f *reflect.StructField) string {
	return schemaTags(f)["description"]
}
