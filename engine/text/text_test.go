package text

import "testing"

func TestIn(t *testing.T) {
	t.Parallel()
	x := Text{ZH: "转移", EN: "evacuate"}
	for lang, want := range map[string]string{"zh": "转移", "zh-CN": "转移", "ZH-Hans": "转移", "en": "evacuate", "": "evacuate", "fr": "evacuate"} {
		if got := x.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
}
