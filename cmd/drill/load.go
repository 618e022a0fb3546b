package main

import (
	"path/filepath"
	"slices"

	"github.com/rescuedrill/rescuedrill/engine"
	"github.com/rescuedrill/rescuedrill/scenarios"
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
// in the replay; a built-in map is found by name, and a file-based map must
// sit beside the replay's scenario name as it did when recorded.
func scenarioFromSource(name string, src []byte) (*loaded, error) {
	l, err := scenarios.LoadSource(name, src)
	if err != nil {
		return nil, err
	}
	return &loaded{Name: name, Source: src, Scenario: l.Scenario, l: l}, nil
}
