package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir is where `drill serve` keeps its database and journals and
// where `drill results` looks when no --data is given:
//
//   - $XDG_DATA_HOME/rescuedrill when XDG_DATA_HOME is set (any system),
//   - ~/.local/share/rescuedrill on Linux and other Unix systems,
//   - os.UserConfigDir()/rescuedrill on macOS (~/Library/Application
//     Support) and Windows (%AppData%).
func DefaultDataDir() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "rescuedrill"), nil
	}
	switch runtime.GOOS {
	case "darwin", "ios", "windows", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "rescuedrill"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	if home == "" {
		return "", errors.New("store: no home directory for the default data directory; give --data")
	}
	return filepath.Join(home, ".local", "share", "rescuedrill"), nil
}
