package scenarios

import (
	"embed"

	"github.com/rescuedrill/rescuedrill/assets"
)

// The built-in scenarios and maps are compiled into the binary, so `drill`
// runs a drill on a new machine with nothing else installed.

//go:embed *.yaml
var builtinFiles embed.FS

func init() {
	builtinFS = builtinFiles
	builtinMaps = assets.Maps
}
