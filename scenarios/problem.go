package scenarios

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Severity says whether a problem stops the scenario from loading.
type Severity uint8

const (
	// Error: the scenario cannot be run until it is fixed.
	Error Severity = iota
	// Warning: the scenario runs, but something is likely to bite later
	// (for example an editor cannot check the file without its modeline).
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one mistake in a scenario file, located at the YAML node that
// caused it so a trainer can go straight to the line.
type Problem struct {
	File     string
	Line     int    // 1-based; 0 when the problem is not tied to a line (unreadable file)
	Col      int    // 1-based, in characters (runes), as editors count
	Path     string // objectives[1].tasks[0].within; "" for the whole file
	Msg      string
	Hint     string // how to fix it; may be ""
	Severity Severity

	// source is the offending line, kept so a Problem prints on its own
	// after the file's bytes are gone.
	source string
}

// Position is file:line:col, the form editors and CI annotators jump to.
func (p *Problem) Position() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Headline is the first line: position, path, severity and message.
func (p *Problem) Headline() string {
	var b strings.Builder
	b.WriteString(p.Position())
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	if p.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// String is the headline, the source line with a caret under the column,
// and the hint, in the layout compilers use so it reads the same in a
// terminal and in a CI log.
func (p *Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Headline())
	b.WriteByte('\n')
	if p.Line > 0 && p.source != "" {
		num := fmt.Sprint(p.Line)
		pad := strings.Repeat(" ", len(num))
		fmt.Fprintf(&b, " %s | %s\n", num, p.source)
		fmt.Fprintf(&b, " %s | %s^\n", pad, caretIndent(p.source, p.Col))
		if p.Hint != "" {
			fmt.Fprintf(&b, " %s = hint: %s\n", pad, p.Hint)
		}
	} else if p.Hint != "" {
		fmt.Fprintf(&b, "   = hint: %s\n", p.Hint)
	}
	return b.String()
}

func (p *Problem) Error() string { return p.Headline() }

// caretIndent is the blank space that puts a caret under column col of
// line. Tabs are copied so the terminal expands them the same way in both
// lines, and wide (CJK) characters take two cells: Chinese text is common
// in these files and a caret one cell off points at the wrong word.
func caretIndent(line string, col int) string {
	var b strings.Builder
	for i, r := range []rune(line) {
		if i >= col-1 {
			break
		}
		switch {
		case r == '\t':
			b.WriteByte('\t')
		case isWide(r):
			b.WriteString("  ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// isWide reports East Asian wide and fullwidth runes (the ranges that
// matter for Chinese text; a full table is not worth a dependency).
func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) ||
		(r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) ||
		(r >= 0xfe30 && r <= 0xfe4f) ||
		(r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) ||
		(r >= 0x20000 && r <= 0x3fffd))
}

// Problems is every problem found in one or more files. It is an error so
// Parse and Load can return it; callers that want the list use errors.As.
type Problems []*Problem

// Error prints every problem in full, separated by blank lines.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// HasErrors reports whether any problem is an Error (not just warnings).
func (ps Problems) HasErrors() bool {
	return slices.ContainsFunc(ps, func(p *Problem) bool { return p.Severity == Error })
}

// Err is ps as an error if it holds any Error, else nil: warnings alone do
// not stop a scenario from loading.
func (ps Problems) Err() error {
	if ps.HasErrors() {
		return ps
	}
	return nil
}

// sort orders problems as they appear in the file, which is how a trainer
// works through them.
func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b *Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) string {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	src = bytes.TrimSuffix(src, []byte("\r"))
	if !utf8.Valid(src) {
		return strings.ToValidUTF8(string(src), "\uFFFD")
	}
	return string(src)
}

// closest returns the candidate nearest to s by edit distance when it is
// near enough to be a plausible typo, else "". Typos in field names and
// enum values are the commonest trainer mistake, so "did you mean" saves
// a trip to the documentation.
func closest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	// Allow about one edit in three characters, at least one: "duraton"
	// → "duration", "schol" → "school", but not "x" → "id".
	limit := max(1, utf8.RuneCountInString(s)/3)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance: Levenshtein plus
// transposition of adjacent characters, the usual typing slip.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// quoteList renders candidates for a hint: "a", "b" or "c".
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
