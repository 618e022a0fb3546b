package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/scenarios"
	"github.com/rescuedrill/rescuedrill/server"
)

// loaded is a scenario ready to run, with the name and source bytes a
// replay header records.
type loaded struct {
	Name     string
	Source   []byte
	Scenario *engine.Scenario
	l        *scenarios.Loaded
}

func (l *loaded) Setup() engine.Setup { return engine.Setup{Scenario: l.Scenario, Map: l.l.Map} }

// openScenario takes a built-in scenario name or a path to a YAML file.
func openScenario(arg string) (*loaded, error) {
	if slices.Contains(scenarios.Builtins(), arg) {
		l, err := scenarios.Builtin(arg)
		if err != nil {
			return nil, err
		}
		return &loaded{Name: arg, Source: l.Src, Scenario: l.Scenario, l: l}, nil
	}
	l, err := scenarios.LoadFile(arg)
	if err != nil {
		return nil, err
	}
	return &loaded{Name: filepath.Base(arg), Source: l.Src, Scenario: l.Scenario, l: l}, nil
}

// scenarioFromSource rebuilds the scenario a replay recorded. The source is
// in the replay; a built-in map is found by name. A map of grid files is
// not in the replay: scenarioFromReplay looks for it.
func scenarioFromSource(name string, src []byte) (*loaded, error) {
	l, err := scenarios.LoadSource(name, src)
	if err != nil {
		return nil, err
	}
	return &loaded{Name: name, Source: src, Scenario: l.Scenario, l: l}, nil
}

// scenarioFromReplay is scenarioFromSource for the replay or journal at
// path, whose scenario may be on the trainer's own map: the grids are read
// from the folder drill serve kept the upload in (DATA/scenarios/ID for
// DATA/journals/ID.rdr), else from the replay's own folder (drill run
// --replay beside the scenario), relative to the scenario as written.
func scenarioFromReplay(path, name string, src []byte) (*loaded, error) {
	refs := scenarios.Validate(name, src).MapFiles()
	if len(refs) == 0 {
		return scenarioFromSource(name, src)
	}
	var dirs []string
	jdir := filepath.Dir(path)
	if filepath.Base(jdir) == "journals" {
		id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		dirs = append(dirs, server.UploadDir(filepath.Dir(jdir), id))
	}
	dirs = append(dirs, jdir)
	var first error
	for _, dir := range dirs {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		l, err := scenarios.LoadSourceIn(name, src, os.DirFS(dir))
		if err == nil {
			return &loaded{Name: name, Source: src, Scenario: l.Scenario, l: l}, nil
		}
		if first == nil {
			first = err
		}
	}
	var grids []string
	for _, r := range refs {
		grids = append(grids, r.Path)
	}
	err := fmt.Errorf("the scenario %s is on its own map and its grid files (%s) are not beside %s: put them there", name, strings.Join(grids, ", "), path)
	if first != nil {
		err = fmt.Errorf("%w\n%v", err, first)
	}
	return nil, err
}
