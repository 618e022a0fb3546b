package scenarios

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed schema and golden files")

// TestSchemaUpToDate keeps the committed schema equal to the one the Go
// types generate: editors read the file, so a stale one would accept
// fields the loader rejects, or the other way round. `go test -update`
// (or `go generate`) rewrites it.
func TestSchemaUpToDate(t *testing.T) {
	t.Parallel()
	got, err := GenerateSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(SchemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, schemaJSON) {
		t.Errorf("%s is stale: run go generate ./scenarios (or go test ./scenarios -update) and commit it", SchemaPath)
	}
}
