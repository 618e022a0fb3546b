// Package text holds Text: words a person reads, in Simplified Chinese and
// English, since every drill is run in both. The engine, the hazard models
// and the warnings share this one type.
package text

import "strings"

// Text is a piece of text in both languages.
type Text struct {
	ZH string `json:"zh" yaml:"zh" jsonschema:"description=Chinese (zh-CN) text"`
	EN string `json:"en" yaml:"en" jsonschema:"description=English text"`
}

// In returns the text for a BCP 47 language tag: any "zh" tag gives
// Chinese, everything else English.
func (t Text) In(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return t.ZH
	}
	return t.EN
}
