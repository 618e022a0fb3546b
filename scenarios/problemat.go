package scenarios

// ProblemAt builds a problem located at the value a JSON pointer names
// ("/objectives/0/tasks/2"), with the source line and the path as validate
// shows them. It does not record the problem in d: tools that judge a
// valid scenario in other ways (drill check's dry run) use it so their
// findings read, and jump to the line, exactly like the loader's.
func (d *Document) ProblemAt(sev Severity, ptr, msg, hint string) *Problem {
	p := &Problem{File: d.Name, Msg: msg, Hint: hint, Severity: sev}
	if d.tree == nil {
		return p
	}
	at := d.valPos(ptr)
	if s, ok := d.tree.spanOf(ptr); ok && s.key.line > 0 {
		at = s.key // a list entry or field is best shown at its key or "-"
	}
	p.Line, p.Col = at.line, at.col
	p.Path = d.tree.display(ptr)
	p.source = sourceLine(d.Src, at.line)
	return p
}
