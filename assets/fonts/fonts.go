// Package fonts embeds the CJK font subset the desktop client draws all
// its text with (Noto Sans CJK SC, SIL OFL 1.1; see README.md and OFL.txt).
package fonts

import _ "embed"

// NotoSansSC is the OpenType (CFF) subset, ≈ 330 KB.
//
//go:embed NotoSansSC-RescueDrill.otf
var NotoSansSC []byte
