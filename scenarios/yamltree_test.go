package scenarios

import (
	"reflect"
	"strings"
	"testing"
)

// TestAnchorsAndMerge: anchors, aliases and merge keys are how trainers
// avoid repeating themselves; they must decode exactly like the long form.
func TestAnchorsAndMerge(t *testing.T) {
	t.Parallel()
	plain := readFixture(t, "valid-flood.yaml")
	edits := []string{
		// an anchored scalar, used by an alias further down
		"  - id: school\n    kind: school", "  - id: &start school\n    kind: school",
		"spawn:\n  place: school", "spawn:\n  place: *start",
		// an anchored mapping merged into another, with a key overridden
		"    name: {zh: 人群, en: Crowd}\n    count: 12\n    place: school",
		"    name: {zh: 人群, en: Crowd}\n    count: 12\n    place: school\n    activity: &act walk",
		"    name: {zh: 李奶奶, en: Grandma Li}\n    place: school",
		"    name: {zh: 李奶奶, en: Grandma Li}\n    place: school\n    activity: *act",
	}
	short := plain
	for i := 0; i < len(edits); i += 2 {
		if strings.Count(short, edits[i]) != 1 {
			t.Fatalf("edit %d: %q not found once", i/2, edits[i])
		}
		short = strings.Replace(short, edits[i], edits[i+1], 1)
	}
	long := strings.Replace(plain, "    place: school\n    lure", "    place: school\n    activity: walk\n    lure", 1)
	long = strings.Replace(long, "    name: {zh: 李奶奶, en: Grandma Li}\n    place: school",
		"    name: {zh: 李奶奶, en: Grandma Li}\n    place: school\n    activity: walk", 1)
	anchoredUnknown := strings.Replace(plain, "title: {zh: 城市内涝演练, en: Urban flood drill}",
		"title: &t {zh: 城市内涝演练, en: Urban flood drill}\nsummary_base: &sb\n  zh: 暴雨导致街道积水，学生需要撤离到高处。", 1)

	a, errA := Parse("short.yaml", []byte(short))
	b, errB := Parse("long.yaml", []byte(long))
	if errA != nil || errB != nil {
		t.Fatalf("parse: %v / %v", errA, errB)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("aliases decode differently from the long form:\n%+v\n%+v", a.NPCs, b.NPCs)
	}
	// An unknown top-level key is still unknown behind an anchor.
	if _, err := Parse("unknown.yaml", []byte(anchoredUnknown)); err == nil || !strings.Contains(err.Error(), `unknown field "summary_base"`) {
		t.Errorf("anchored unknown field: err = %v", err)
	}

	withMerge := strings.Replace(plain, "    name: {zh: 学校, en: School}",
		"    name:\n      <<: {zh: 学校, en: Wrong}\n      en: School", 1)
	c, err := Parse("merge.yaml", []byte(withMerge))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Places[0].Name; got.ZH != "学校" || got.EN != "School" {
		t.Errorf("merge key: name = %+v, want the merged zh and the local en", got)
	}
}

// TestFileShapes: files that are not a scenario mapping at all.
func TestFileShapes(t *testing.T) {
	t.Parallel()
	const ml = "# yaml-language-server: $schema=../schema/scenario.schema.json\n"
	bomb := ml + "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'h'; i++ {
		prev := string(i - 1)
		bomb += string(i) + ": &" + string(i) + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
			", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
	}
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"empty", "", 1, 1, "the file is empty"},
		{"only comments", ml + "# nothing yet\n", 1, 1, "the file is empty"},
		{"a list", ml + "- id: x\n", 2, 1, "want a mapping of fields"},
		{"a scalar", ml + "hello\n", 2, 1, "want a mapping of fields"},
		{"two documents", ml + "id: a\n---\nid: b\n", 3, 1, "a second YAML document"},
		{"tab indent", ml + "spawn:\n\tplace: x\n", 3, 1, "YAML syntax"},
		{"unclosed list", ml + "rect: [1, 2\nid: x\n", 3, 1, "YAML syntax"},
		{"duplicate key", ml + "id: a\nid: b\n", 3, 1, `YAML syntax: mapping key "id" already defined`},
		{"unknown alias", ml + "id: *nothing\n", 2, 5, "alias *nothing refers to no anchor"},
		{"alias bomb", bomb, 1, 1, "the file expands to more than"},
		{"deep nesting", ml + "id: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n", 0, 0, "nested more than 64 levels deep"},
		{"hostile nesting", ml + "id: " + strings.Repeat("[", 100000) + "\n", 2, 1, "values nested more than 256 levels deep"},
		{"hostile dashes", ml + "id:\n" + strings.Repeat("- ", 100000) + "x\n", 3, 1, "values nested more than 256 levels deep"},
		{"huge", ml + strings.Repeat("# padding\n", 300000), 1, 1, "more than the 2048 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Validate("f.yaml", []byte(tt.src))
			var found *Problem
			for _, p := range d.Problems {
				if strings.Contains(p.Msg, tt.msg) {
					found = p
				}
			}
			if found == nil {
				t.Fatalf("no problem containing %q in:\n%v", tt.msg, d.Problems)
			}
			if tt.line > 0 && (found.Line != tt.line || found.Col != tt.col) {
				t.Errorf("at %d:%d, want %d:%d:\n%s", found.Line, found.Col, tt.line, tt.col, found)
			}
			if _, err := Parse("f.yaml", []byte(tt.src)); err == nil {
				t.Error("Parse accepted it")
			}
		})
	}
}

// TestTagsAgree: the schema and the decoder use the json tags, while other
// code may read the same files through the yaml tags; a field whose two
// names differ would be read by one and reported unknown by the other.
func TestTagsAgree(t *testing.T) {
	t.Parallel()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		for i := range ty.NumField() {
			f := ty.Field(i)
			if j, y := f.Tag.Get("json"), f.Tag.Get("yaml"); j != y {
				t.Errorf("%s.%s: json %q, yaml %q", ty.Name(), f.Name, j, y)
			}
			walk(f.Type)
		}
	}
	ty, _ := goTypeAt("")
	walk(ty)
	if len(seen) < 20 {
		t.Errorf("walked %d types, want all the scenario types", len(seen))
	}
}
