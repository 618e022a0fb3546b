package main

import (
	"fmt"
	"io"

	"github.com/rescuedrill/rescuedrill/scenarios"
)

// cmdValidate checks every file and prints every problem with its
// position, the offending line and a hint. It exits 1 when any file has an
// error (warnings alone pass).
func cmdValidate(files []string, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "drill validate: give one or more scenario files")
		return 2
	}
	bad := 0
	for _, name := range files {
		probs := scenarios.CheckFile(name)
		for _, p := range probs {
			fmt.Fprintln(stdout, p.String())
		}
		if probs.HasErrors() {
			bad++
		} else {
			fmt.Fprintf(stdout, "%s: ok\n", name)
		}
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "drill validate: %d of %d files have problems\n", bad, len(files))
		return 1
	}
	return 0
}

// cmdScenarios lists the built-in scenarios with their titles.
func cmdScenarios(w io.Writer) error {
	for _, name := range scenarios.Builtins() {
		ld, err := openScenario(name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		sc := ld.Scenario
		fmt.Fprintf(w, "%-10s %-9s %s / %s\n", name, sc.Hazard, sc.Title.EN, sc.Title.ZH)
	}
	return nil
}
