package scenarios

import (
	"os"
	"strings"
	"testing"
)

// uploadFixture is valid-landslide.yaml with its three grids, keyed as the
// scenario names them (in a maps/ folder below it).
func uploadFixture(t *testing.T) ([]byte, map[string][]byte) {
	t.Helper()
	src := []byte(readFixture(t, "valid-landslide.yaml"))
	files := map[string][]byte{}
	for _, ext := range []string{"elev", "landuse", "soil"} {
		p := "maps/test-district." + ext + ".asc"
		b, err := os.ReadFile("testdata/" + p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = b
	}
	return src, files
}

// TestCheckUpload: an upload is accepted with exactly the files its map:
// names, and every way of getting that wrong is refused with a problem
// that names the file (or, for a missing one, the line that names it).
func TestCheckUpload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string // the scenario's upload name; "" = valid-landslide.yaml
		src    string // replaces the YAML when set
		change func(files map[string][]byte)
		// want: "" means it loads; else each problem's "file[:line]: …msg" must
		// contain one of these, in order.
		want []string
	}{
		{name: "all three grids", want: nil},
		{name: "soil missing", change: func(f map[string][]byte) { delete(f, "maps/test-district.soil.asc") },
			want: []string{"valid-landslide.yaml:14:9: map.soil: map file maps/test-district.soil.asc was not uploaded"}},
		{name: "path traversal", change: func(f map[string][]byte) { f["../secret.asc"] = []byte("x") },
			want: []string{"../secret.asc: a map file's path must be relative"}},
		{name: "traversal inside", change: func(f map[string][]byte) { f["maps/../../x.asc"] = []byte("x") },
			want: []string{"maps/../../x.asc: a map file's path must be relative"}},
		{name: "absolute path", change: func(f map[string][]byte) { f["/etc/passwd"] = []byte("x") },
			want: []string{"/etc/passwd: a map file's path must be relative"}},
		{name: "backslash", change: func(f map[string][]byte) { f[`maps\x.asc`] = []byte("x") },
			want: []string{`maps\x.asc: a map file's path must be relative`}},
		{name: "too large", change: func(f map[string][]byte) { f["maps/test-district.elev.asc"] = make([]byte, MaxUploadFile+1) },
			want: []string{"maps/test-district.elev.asc: map file is 16.0 MiB; at most 16 MiB each"}},
		{name: "extra file", change: func(f map[string][]byte) { f["maps/notes.txt"] = []byte("hello") },
			want: []string{"maps/notes.txt: the scenario does not name this file"}},
		{name: "grid under another folder", change: func(f map[string][]byte) {
			f["test-district.soil.asc"] = f["maps/test-district.soil.asc"]
			delete(f, "maps/test-district.soil.asc")
		}, want: []string{
			"test-district.soil.asc: the scenario does not name this file",
			"valid-landslide.yaml:14:9: map.soil: map file maps/test-district.soil.asc was not uploaded"}},
		{name: "broken grid", change: func(f map[string][]byte) {
			f["maps/test-district.soil.asc"] = []byte("ncols 16\nnrows x\n")
		}, want: []string{`maps/test-district.soil.asc:2:7: nrows value "x" is not a number`}},
		{name: "folder in the name", file: "drills/mine.yaml", want: []string{"drills/mine.yaml: scenario file name"}},
		{name: "not yaml", file: "mine.txt", want: []string{"mine.txt: scenario file name \"mine.txt\": it must end in .yaml"}},
		{name: "built-in map with files", src: readFixture(t, "valid-heat.yaml"),
			want: []string{"maps/test-district.elev.asc: the scenario does not name this file",
				"maps/test-district.landuse.asc: the scenario does not name",
				"maps/test-district.soil.asc: the scenario does not name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, files := uploadFixture(t)
			if tt.src != "" {
				src = []byte(tt.src)
			}
			if tt.change != nil {
				tt.change(files)
			}
			name := tt.file
			if name == "" {
				name = "valid-landslide.yaml"
			}
			l, ps := CheckUpload(name, src, files)
			var errs []string
			for _, p := range ps {
				if p.Severity == Error {
					errs = append(errs, p.Headline())
				}
			}
			if len(tt.want) == 0 {
				if len(errs) > 0 || l == nil || l.Map == nil {
					t.Fatalf("refused: %v", ps)
				}
				if l.Map.Soil == nil || l.Map.Elev.NX != 16 {
					t.Fatalf("map not read from the uploaded grids: %+v", l.Map.Elev)
				}
				return
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(tt.want), strings.Join(errs, "\n"))
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i], w) {
					t.Errorf("error %d = %q, want it to contain %q", i, errs[i], w)
				}
			}
			if l != nil && l.Map != nil {
				t.Error("a refused upload still loaded its map")
			}
		})
	}
}

// TestLoadSourceIn: the recorded YAML wins over an edited file in the
// folder, and the grids come from the folder.
func TestLoadSourceIn(t *testing.T) {
	t.Parallel()
	src := []byte(strings.Replace(readFixture(t, "valid-landslide.yaml"), "duration: 20m", "duration: 25m", 1))
	l, err := LoadSourceIn("valid-landslide.yaml", src, os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Scenario.Duration != 25*60 || l.Map == nil || l.Map.Soil == nil {
		t.Fatalf("duration %v, map %v", float64(l.Scenario.Duration), l.Map)
	}
	if _, err := LoadSourceIn("valid-landslide.yaml", src, os.DirFS(t.TempDir())); err == nil || !strings.Contains(err.Error(), "cannot read map file") {
		t.Fatalf("without the grids: %v", err)
	}
}
