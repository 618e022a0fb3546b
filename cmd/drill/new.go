package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine/terrain"
	"github.com/rescuedrill/rescuedrill/internal/authoring"
	"github.com/rescuedrill/rescuedrill/scenarios"
)

func init() {
	register(command{name: "new",
		usage: "  drill new --hazard flood|landslide|heat NAME [--map FILE.asc]   write NAME.yaml, a commented starting scenario\n",
		run:   cmdNew})
}

// schemaFile is where the scenario schema lives in a checkout, and the
// name drill new gives the copy it writes beside a scenario elsewhere.
const schemaFile = "scenario.schema.json"

// cmdNew writes a starting scenario. It never overwrites a file: a
// trainer's edited drill is worth more than a template.
func cmdNew(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hazard := fs.String("hazard", "", "flood, landslide or heat")
	mapFile := fs.String("map", "", "your own elevation grid (ESRI ASCII .asc); default: the hazard's built-in map")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 2, nil
	}
	if len(pos) != 1 || *hazard == "" {
		fmt.Fprint(stderr, "usage: drill new --hazard flood|landslide|heat NAME [--map FILE.asc]\n")
		return 2, nil
	}
	out := pos[0]
	if !strings.HasSuffix(out, ".yaml") {
		out += ".yaml"
	}
	o := authoring.NewOptions{Hazard: *hazard, ID: authoring.ScenarioID(strings.TrimSuffix(filepath.Base(out), ".yaml"))}
	dir := filepath.Dir(out)
	if *mapFile != "" {
		g, rel, err := readElevation(*mapFile, dir)
		if err != nil {
			return 1, err
		}
		o.Elevation, o.ElevationPath = g, rel
	}
	schema, writeSchema := findSchema(dir)
	o.SchemaPath = schema
	src, err := authoring.New(o)
	if err != nil {
		return 1, err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return 1, fmt.Errorf("%s already exists: choose another name or move it away", out)
		}
		return 1, err
	}
	if _, err := f.Write(src); err != nil {
		f.Close()
		return 1, err
	}
	if err := f.Close(); err != nil {
		return 1, err
	}
	if writeSchema {
		b, err := scenarios.GenerateSchema()
		if err != nil {
			return 1, err
		}
		if err := os.WriteFile(filepath.Join(dir, schemaFile), b, 0o644); err != nil {
			return 1, err
		}
		fmt.Fprintf(stdout, "wrote %s (the schema your editor checks the scenario with)\n", filepath.Join(dir, schemaFile))
	}
	fmt.Fprintf(stdout, "wrote %s\nnext: edit it, then  drill check %s\n下一步：修改后运行  drill check %s\n", out, out, out)
	return 0, nil
}

// readElevation reads the trainer's grid and returns it with its path
// relative to the scenario's folder, which is how scenario files refer to
// map files (and the loader allows only that folder or below).
func readElevation(name, dir string) (*terrain.Grid, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	g, err := terrain.ReadASC(f)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	absMap, err := filepath.Abs(name)
	if err != nil {
		return nil, "", err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", err
	}
	rel, err := filepath.Rel(absDir, absMap)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, "", fmt.Errorf("%s is not in the scenario's folder %s or below: scenarios find map files there (copy the map next to the scenario)", name, dir)
	}
	return g, filepath.ToSlash(rel), nil
}

// findSchema looks for the project's schema in dir and its parents (a
// trainer working in a checkout, drills/ beside scenarios/) and returns
// its path relative to dir. Elsewhere it asks for a copy beside the
// scenario, unless one is already there.
func findSchema(dir string) (rel string, write bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return schemaFile, false
	}
	if _, err := os.Stat(filepath.Join(abs, schemaFile)); err == nil {
		return schemaFile, false
	}
	for d := abs; ; {
		p := filepath.Join(d, "scenarios", "schema", schemaFile)
		if _, err := os.Stat(p); err == nil {
			if r, err := filepath.Rel(abs, p); err == nil {
				return filepath.ToSlash(r), false
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return schemaFile, true
}
