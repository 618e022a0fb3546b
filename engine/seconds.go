package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Seconds is a duration in seconds. Trainers write it as a number of
// seconds or as "90s", "15m", "1h30m"; it is kept as float64 seconds so the
// engine never touches package time.
type Seconds float64

// ParseSeconds reads "90", "90s", "15m", "1h30m", "2.5h".
func ParseSeconds(s string) (Seconds, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration: write seconds (90) or with a unit (90s, 15m, 1h30m)")
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		if v < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		return Seconds(v), nil
	}
	var total float64
	rest := s
	for rest != "" {
		j := 0
		for j < len(rest) && (rest[j] == '.' || (rest[j] >= '0' && rest[j] <= '9')) {
			j++
		}
		if j == 0 || j == len(rest) {
			return 0, fmt.Errorf("duration %q: want a number followed by h, m or s, such as 1h30m", s)
		}
		v, err := strconv.ParseFloat(rest[:j], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %q is not a number", s, rest[:j])
		}
		var unit float64
		switch rest[j] {
		case 'h':
			unit = 3600
		case 'm':
			unit = 60
		case 's':
			unit = 1
		default:
			return 0, fmt.Errorf("duration %q: unknown unit %q, use h, m or s", s, rest[j])
		}
		total += float64(v * unit) // no fused multiply-add: scenario values feed state
		rest = rest[j+1:]
	}
	return Seconds(total), nil
}

// UnmarshalJSON accepts a number or a string with units.
func (d *Seconds) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		str, err := strconv.Unquote(string(b))
		if err != nil {
			return err
		}
		v, err := ParseSeconds(str)
		if err != nil {
			return err
		}
		*d = v
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration %s: want seconds or a string such as \"15m\"", b)
	}
	if v < 0 {
		return fmt.Errorf("duration %s is negative", b)
	}
	*d = Seconds(v)
	return nil
}

// String prints the duration as 1h02m03s, dropping zero leading parts.
func (d Seconds) String() string {
	t := int64(d + 0.5)
	h, m, s := t/3600, (t/60)%60, t%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	default:
		return fmt.Sprintf("%ds", s)
	}
}
