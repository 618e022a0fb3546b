package replay

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts (wholly, or up to a bad record) re-encodes to exactly the bytes
// it came from: the format has one byte form per log, so a journal can be
// checked, truncated and appended to without drifting.
func FuzzDecode(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add(headerBytes(f))
	f.Fuzz(checkDecode)
}

// FuzzRecords explores the payload decoders, which FuzzDecode rarely
// reaches: almost every mutation of a checksummed file fails its checksum.
// Here the fuzzer writes a list of (kind, payload) chunks and the test
// frames them with correct checksums behind the magic and version, so the
// first chunk is the header record.
//
// Chunk layout: kind byte, payload length byte, payload.
func FuzzRecords(f *testing.F) {
	for _, b := range seedFiles(f) {
		if chunks, ok := toChunks(b); ok {
			f.Add(chunks)
		}
	}
	f.Fuzz(func(t *testing.T, chunks []byte) {
		file := binary.AppendUvarint([]byte(Magic), Version)
		for len(chunks) >= 2 {
			kind, n := chunks[0], int(chunks[1])
			chunks = chunks[2:]
			n = min(n, len(chunks))
			file = append(file, frame(kind, chunks[:n])...)
			chunks = chunks[n:]
		}
		checkDecode(t, file)
	})
}

func seedFiles(f *testing.F) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", "*.rdr"))
	if err != nil {
		f.Fatal(err)
	}
	if len(names) == 0 {
		f.Fatal("no seed files in testdata")
	}
	var files [][]byte
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, b)
	}
	return files
}

// toChunks turns the whole records of a file into FuzzRecords chunks. It
// reports false if a payload is too long for a one-byte length.
func toChunks(file []byte) ([]byte, bool) {
	var out []byte
	b := file[len(Magic)+1:]
	for len(b) > 0 {
		n, k := binary.Uvarint(b[1:])
		if k <= 0 || n > 255 || uint64(len(b)) < 1+uint64(k)+n+4 {
			break // a torn tail: keep the whole records before it
		}
		out = append(out, b[0], byte(n))
		out = append(out, b[1+k:1+k+int(n)]...)
		b = b[1+k+int(n)+4:]
	}
	return out, len(out) > 0
}

// checkDecode is the property both fuzz targets check.
func checkDecode(t *testing.T, data []byte) {
	l, err := Decode(bytes.NewReader(data))
	if l == nil {
		if !errors.Is(err, ErrBadHeader) {
			t.Fatalf("no log and error %v, want ErrBadHeader", err)
		}
		return
	}
	good := int64(len(data))
	if err != nil {
		var re *RecordError
		if !errors.As(err, &re) || !(errors.Is(err, ErrTornTail) || errors.Is(err, ErrBadRecord)) {
			t.Fatalf("partial log with error %v, want a *RecordError", err)
		}
		if re.Offset < 0 || re.Offset >= good {
			t.Fatalf("bad record at offset %d outside the %d-byte file", re.Offset, good)
		}
		good = re.Offset
	}
	var buf bytes.Buffer
	if err := Encode(&buf, l); err != nil {
		t.Fatalf("a decoded log does not encode: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), data[:good]) {
		t.Fatalf("re-encoding changed the bytes:\n got %x\nwant %x", buf.Bytes(), data[:good])
	}
	again, err := Decode(&buf)
	if err != nil {
		t.Fatalf("a re-encoded log does not decode: %v", err)
	}
	if !reflect.DeepEqual(again, l) {
		t.Fatalf("re-decoding changed the log:\n got %+v\nwant %+v", again, l)
	}
}
