package scenarios

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtinFS holds the built-in scenarios, scenarios/NAME.yaml, and is set
// in embed.go (kept apart so this file builds, and its tests run, with
// any FS). TestBuiltinsLoad checks every one of them.
var builtinFS fs.FS

// Builtins lists the names of the built-in scenarios, sorted.
func Builtins() []string { return yamlNames(builtinFS) }

// Builtin loads a built-in scenario by name (the file name without .yaml).
func Builtin(name string) (*Loaded, error) {
	names := Builtins()
	if !slices.Contains(names, name) {
		msg := fmt.Sprintf("no built-in scenario is called %q", name)
		if c := closest(name, names); c != "" {
			msg += fmt.Sprintf("; did you mean %q?", c)
		} else if len(names) > 0 {
			msg += "; there are " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("%s", msg)
	}
	l, ps := load(builtinFS, name+".yaml", "scenarios/"+name+".yaml", builtinMaps)
	if ps.HasErrors() {
		return nil, ps
	}
	return l, nil
}

// yamlNames lists NAME for each NAME.yaml at the top of fsys, sorted.
func yamlNames(fsys fs.FS) []string {
	if fsys == nil {
		return nil
	}
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(path.Base(f), ".yaml")
	}
	slices.Sort(names)
	return names
}
