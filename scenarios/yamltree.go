package scenarios

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// The YAML is read once into an AST, and a single walk turns it into plain
// JSON-like values (map[string]any, []any, string, json.Number, bool, nil)
// while recording where every value came from, keyed by its JSON pointer.
// The schema validator reports JSON pointers, the semantic checks build
// them, and both find the source position in the same index, so there is
// one notion of "where" for every problem.

// pos is a 1-based line and column (in runes) in the source.
type pos struct{ line, col int }

// span is where one value sits in the source.
type span struct {
	key  pos    // the key that introduced it, or the "-" of its list entry
	val  pos    // where the value itself starts
	path string // as shown to trainers: objectives[1].tasks[0].within
}

const (
	// maxNodes bounds the values a file may expand to, aliases included, so
	// a "billion laughs" file fails fast instead of eating the memory.
	// Real scenarios have a few thousand.
	maxNodes = 200_000
	// maxDepth bounds nesting; real scenarios are less than ten deep.
	maxDepth = 64
)

// satAdd adds value counts, saturating just above maxNodes: nested
// aliases multiply, and the count must not wrap around.
func satAdd(a, b int) int { return min(a+b, maxNodes+1) }

type anchor struct {
	val  any
	size int
}

// tree is the result of the walk.
type tree struct {
	root    any
	spans   map[string]span
	anchors map[string]anchor
	nodes   int
	errs    []treeErr
}

// treeErr is a problem the walk itself finds (aliases, depth).
type treeErr struct {
	at  pos
	ptr string
	msg string
}

// ptrJoin appends one reference token to a JSON pointer (RFC 6901).
func ptrJoin(ptr, tok string) string {
	if strings.ContainsAny(tok, "~/") {
		tok = strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
	}
	return ptr + "/" + tok
}

// ptrOf builds a JSON pointer from unescaped tokens, as the schema
// validator reports instance locations.
func ptrOf(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString(ptrJoin("", t))
	}
	return b.String()
}

// ptrSplit is the inverse of ptrOf.
func ptrSplit(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		if strings.Contains(t, "~") {
			toks[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
		}
	}
	return toks
}

// ptrParent splits a pointer into its parent and last token.
func ptrParent(ptr string) (parent, last string) {
	i := strings.LastIndexByte(ptr, '/')
	if i < 0 {
		return "", ""
	}
	toks := ptrSplit(ptr[i:])
	return ptr[:i], toks[0]
}

func nodePos(n ast.Node) pos {
	switch n := n.(type) {
	case *ast.MappingNode:
		// A block mapping's token is the first ':'; the first key is
		// where a reader sees the mapping start.
		if !n.IsFlowStyle && len(n.Values) > 0 && n.Values[0].Key != nil {
			return nodePos(n.Values[0].Key)
		}
	case *ast.MappingValueNode:
		if n.Key != nil {
			return nodePos(n.Key)
		}
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return pos{tk.Position.Line, tk.Position.Column}
	}
	return pos{}
}

func childPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// buildTree walks body, the one document of the file.
func buildTree(body ast.Node) *tree {
	t := &tree{spans: map[string]span{}, anchors: map[string]anchor{}}
	t.root, _ = t.conv(body, "", pos{}, "", 0)
	return t
}

// conv converts n, found at ptr (introduced by a key at keyPos), and
// returns its value and the number of values it expands to.
func (t *tree) conv(n ast.Node, ptr string, keyPos pos, path string, depth int) (any, int) {
	if n == nil {
		t.spans[ptr] = span{key: keyPos, val: keyPos, path: path}
		return nil, 1
	}
	at := nodePos(n)
	if _, isNull := n.(*ast.NullNode); isNull && keyPos != (pos{}) {
		// "spawn:" with nothing after it: the key is what the reader
		// sees; goccy places the implicit null after the colon.
		at = keyPos
	}
	t.spans[ptr] = span{key: keyPos, val: at, path: path}
	if keyPos == (pos{}) {
		t.spans[ptr] = span{key: at, val: at, path: path}
	}
	if t.nodes > maxNodes {
		return nil, 1
	}
	t.nodes++
	if depth > maxDepth {
		t.errs = append(t.errs, treeErr{at, ptr, fmt.Sprintf("nested more than %d levels deep", maxDepth)})
		return nil, 1
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		return t.mapping(n.Values, ptr, path, depth)
	case *ast.MappingValueNode:
		// A lone "key: value" at the top is parsed without a MappingNode.
		return t.mapping([]*ast.MappingValueNode{n}, ptr, path, depth)
	case *ast.SequenceNode:
		out := make([]any, len(n.Values))
		size := 1
		for i, v := range n.Values {
			kp := at
			if i < len(n.Entries) && n.Entries[i] != nil {
				kp = nodePos(n.Entries[i])
			} else if v != nil {
				kp = nodePos(v)
			}
			var s int
			out[i], s = t.conv(v, ptrJoin(ptr, strconv.Itoa(i)), kp, fmt.Sprintf("%s[%d]", path, i), depth+1)
			size = satAdd(size, s)
		}
		return out, size
	case *ast.AnchorNode:
		v, size := t.conv(n.Value, ptr, keyPos, path, depth+1)
		if n.Name != nil {
			t.anchors[n.Name.GetToken().Value] = anchor{v, size}
		}
		return v, size
	case *ast.AliasNode:
		name := ""
		if n.Value != nil {
			name = n.Value.GetToken().Value
		}
		a, ok := t.anchors[name]
		if !ok {
			t.errs = append(t.errs, treeErr{at, ptr, fmt.Sprintf("alias *%s refers to no anchor &%s above it", name, name)})
			return nil, 1
		}
		// The value is shared, not copied: the tree is never modified
		// after the walk, and sharing keeps aliases cheap. Positions
		// below an alias fall back to the alias itself.
		t.nodes = satAdd(t.nodes, a.size)
		return a.val, a.size
	case *ast.TagNode:
		return t.tagged(n, ptr, keyPos, path, depth)
	case *ast.StringNode:
		return n.Value, 1
	case *ast.LiteralNode:
		if n.Value != nil {
			return n.Value.Value, 1
		}
		return "", 1
	case *ast.IntegerNode:
		return json.Number(fmt.Sprint(n.Value)), 1
	case *ast.FloatNode:
		if math.IsInf(n.Value, 0) || math.IsNaN(n.Value) {
			return n.GetToken().Value, 1
		}
		return json.Number(strconv.FormatFloat(n.Value, 'g', -1, 64)), 1
	case *ast.InfinityNode, *ast.NanNode:
		// JSON has no infinity; as text the schema reports "want a number".
		return n.GetToken().Value, 1
	case *ast.BoolNode:
		return n.Value, 1
	case *ast.NullNode:
		return nil, 1
	case *ast.DocumentNode:
		return t.conv(n.Body, ptr, keyPos, path, depth)
	}
	// Comments, directives and anything newer than this code: as text, so
	// the schema reports what it should have been.
	return n.String(), 1
}

func (t *tree) mapping(values []*ast.MappingValueNode, ptr, path string, depth int) (any, int) {
	out := make(map[string]any, len(values))
	size := 1
	var merged []map[string]any
	for _, mv := range values {
		if mv == nil || mv.Key == nil {
			continue
		}
		if mv.Key.IsMergeKey() {
			// "<<: *defaults" — keys written here win over merged ones,
			// whatever the order, as YAML 1.1 specifies.
			v, s := t.conv(mv.Value, ptrJoin(ptr, "<<"), nodePos(mv.Key), path, depth+1)
			size = satAdd(size, s)
			switch v := v.(type) {
			case map[string]any:
				merged = append(merged, v)
			case []any:
				for _, e := range v {
					if m, ok := e.(map[string]any); ok {
						merged = append(merged, m)
					}
				}
			}
			continue
		}
		key := keyText(mv.Key)
		kp := nodePos(mv.Key)
		v, s := t.conv(mv.Value, ptrJoin(ptr, key), kp, childPath(path, key), depth+1)
		out[key] = v
		size = satAdd(size, s)
	}
	for _, m := range merged {
		for k, v := range m {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out, size
}

func (t *tree) tagged(n *ast.TagNode, ptr string, keyPos pos, path string, depth int) (any, int) {
	v, size := t.conv(n.Value, ptr, keyPos, path, depth+1)
	tag := ""
	if tk := n.GetToken(); tk != nil {
		tag = tk.Value
	}
	if tag == "!!str" {
		if sc, ok := n.Value.(ast.ScalarNode); ok {
			if tk := sc.GetToken(); tk != nil {
				return tk.Value, size
			}
		}
	}
	return v, size
}

// keyText is a mapping key as a string, the only key type JSON has.
func keyText(k ast.MapKeyNode) string {
	switch k := k.(type) {
	case *ast.StringNode:
		return k.Value
	case *ast.MappingKeyNode:
		if k.Value != nil {
			return k.Value.String()
		}
	}
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return k.String()
}

// spanOf returns where ptr is, or where its nearest existing ancestor is
// (a missing field is reported at the mapping it is missing from; a value
// reached through an alias at the alias).
func (t *tree) spanOf(ptr string) (span, bool) {
	for {
		if s, ok := t.spans[ptr]; ok {
			return s, true
		}
		if ptr == "" {
			return span{val: pos{1, 1}, key: pos{1, 1}}, false
		}
		ptr, _ = ptrParent(ptr)
	}
}

// display renders ptr the way trainers read it, even when the value does
// not exist (a missing field).
func (t *tree) display(ptr string) string {
	if s, ok := t.spans[ptr]; ok {
		return s.path
	}
	if ptr == "" {
		return ""
	}
	parent, last := ptrParent(ptr)
	p := t.display(parent)
	if _, err := strconv.Atoi(last); err == nil {
		if v, ok := t.valueAt(parent); ok {
			if _, isList := v.([]any); isList {
				return fmt.Sprintf("%s[%s]", p, last)
			}
		}
	}
	return childPath(p, last)
}

// valueAt returns the value at ptr.
func (t *tree) valueAt(ptr string) (any, bool) {
	v := t.root
	for _, tok := range ptrSplit(ptr) {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}
