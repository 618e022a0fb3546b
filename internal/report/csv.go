package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes one row per participant for a spreadsheet: score,
// outcome, passed (score ≥ mastery), time to safety, harm, and each
// objective's rating and points. Display names are included: the file is
// the teacher's own record, not a learning record sent elsewhere.
// Spreadsheet programs read UTF-8 CSV as such when it starts with a BOM,
// which Chinese names need, so one is written first.
func WriteCSV(w io.Writer, d *Data, mastery int) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{"drill", "scenario", "date", "slot", "name", "policy", "score", "outcome", "passed",
		"reached_safety", "seconds_to_safety", "harmed", "harm", "harm_en", "harm_zh"}
	for _, o := range d.Objectives {
		head = append(head, o.ID+"_rating", o.ID+"_points", o.ID+"_max")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	date := ""
	if !d.Start.IsZero() {
		date = d.Start.Format("2006-01-02T15:04:05Z07:00")
	}
	for _, p := range d.Participants {
		secs := ""
		if p.Safe {
			secs = fmt.Sprintf("%.1f", float64(p.SafeTick-p.Joined)/float64(d.TickHz))
		}
		row := []string{d.DrillID, d.Scenario, date, strconv.Itoa(int(p.ID)), cell(p.Name), cell(p.Policy), strconv.Itoa(p.Score),
			p.Outcome, strconv.FormatBool(p.Score >= mastery), strconv.FormatBool(p.Safe), secs,
			strconv.FormatBool(p.Harmed), p.HarmKind, cell(p.HarmWhy.EN), cell(p.HarmWhy.ZH)}
		for _, o := range d.Objectives {
			r, pts, max := "-", "", ""
			for _, po := range p.Objectives {
				if po.ID == o.ID {
					r, pts, max = po.Rating, strconv.Itoa(po.Points), strconv.Itoa(po.Max)
				}
			}
			row = append(row, r, pts, max)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell defuses text a spreadsheet would run as a formula (a pupil named
// "=HYPERLINK(…)"): such a cell starts with an apostrophe, which
// spreadsheets show as text.
func cell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
