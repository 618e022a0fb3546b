package scenarios

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rescuedrill/rescuedrill/engine"
)

// SchemaPath is where the generated schema is committed, relative to this
// package. Scenario files point their yaml-language-server modeline at it
// so editors complete and check fields as trainers type.
const SchemaPath = "schema/scenario.schema.json"

// schemaJSON is the committed schema. Validation uses it rather than
// reflecting the Go types at run time, so what the editor checks and what
// the loader checks are byte for byte the same document; a test keeps it
// equal to GenerateSchema.
//
//go:embed schema/scenario.schema.json
var schemaJSON []byte

// draft07 is the dialect the schema declares. Editors (the YAML language
// server in particular) support draft-07 best.
const draft07 = "http://json-schema.org/draft-07/schema#"

// secondsPattern is what engine.ParseSeconds accepts as text: a plain
// number of seconds, or numbers with h/m/s units ("90s", "15m", "1h30m",
// "2.5h"). Kept in ECMAScript-and-RE2 syntax: editors run it in
// JavaScript, the loader in Go.
const secondsPattern = `^([0-9]+(\.[0-9]*)?|\.[0-9]+)$|^(([0-9]+(\.[0-9]*)?|\.[0-9]+)[hms])+$`

var secondsType = reflect.TypeFor[engine.Seconds]()

//go:generate go test -run ^TestSchemaUpToDate$ -update

// GenerateSchema reflects engine.Scenario into a draft-07 JSON Schema, the
// contents of SchemaPath. Descriptions, enums and limits come from the
// jsonschema struct tags in package engine.
func GenerateSchema() ([]byte, error) {
	r := &jsonschema.Reflector{
		// The root is the scenario itself, not a $ref to it, so editors
		// show its description at the top of the file.
		ExpandedStruct: true,
		// No $id: the file is used from disk by a relative path, and an
		// absolute $id would make validators resolve $refs elsewhere.
		Anonymous: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t != secondsType {
				return nil
			}
			// A fresh value each call: the reflector writes each field's
			// description into the schema it gets back.
			return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
				{Type: "number", Minimum: "0", Description: "seconds"},
				{Type: "string", Pattern: secondsPattern, Description: "with units: 90s 15m 1h30m"},
			}}
		},
	}
	s := r.Reflect(&engine.Scenario{})
	s.Version = draft07
	s.Title = "RescueDrill scenario"
	s.Description = "One disaster drill: map, places, hazard, injects (MSEL) and scored objectives."
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	// invopop writes 2020-12 "$defs"; draft-07 calls them "definitions".
	// The strings cannot occur elsewhere: no description mentions them.
	raw = bytes.ReplaceAll(raw, []byte(`"$defs"`), []byte(`"definitions"`))
	raw = bytes.ReplaceAll(raw, []byte(`"#/$defs/`), []byte(`"#/definitions/`))
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// compiledSchema is compiled once, on first use.
var compiledSchema = sync.OnceValues(func() (*sjs.Schema, error) {
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("scenarios: embedded schema: %w", err)
	}
	const url = "mem:///scenario.schema.json"
	c := sjs.NewCompiler()
	c.DefaultDraft(sjs.Draft7)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("scenarios: embedded schema: %w", err)
	}
	return c.Compile(url)
})
