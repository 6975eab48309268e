package orgmodel

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// FieldError is one problem with the design, at a field path such as
// workloads[1].residencies[0].
type FieldError struct {
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`

	// covers is the field this error stands for when it is not at that
	// field's path (an unknown key that is a typo of a known one): that
	// field is then not reported again as missing.
	covers string
	// omitted, on the last error only, counts the problems left out.
	omitted int
}

func (e FieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every problem found in a design, in file order.
type Errors []FieldError

func (es Errors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(es))
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// sorted orders errors by line, then path; errors without a line go last.
func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		li, lj := es[i].Line, es[j].Line
		if li == 0 {
			li = 1 << 30
		}
		if lj == 0 {
			lj = 1 << 30
		}
		if li != lj {
			return li < lj
		}
		return es[i].Column < es[j].Column
	})
	return es
}

// maxErrors bounds how many problems are reported: enough to fix a design by,
// and few enough that a hostile or mistaken file (a list of 100,000 bad
// items) costs neither memory nor time to describe.
const maxErrors = 100

// errorList collects errors; it is how every check reports, so that all
// problems come back at once.
type errorList struct {
	d       *Design
	errs    Errors
	omitted int // problems found beyond maxErrors
}

// full reports whether further problems would only be counted; callers check
// it before spending time on a message (a nearest-name search).
func (l *errorList) full() bool { return len(l.errs) >= maxErrors }

func (l *errorList) push(e FieldError) {
	if l.full() {
		l.omitted++
		return
	}
	l.errs = append(l.errs, e)
}

func (l *errorList) add(path string, format string, args ...any) {
	if l.full() {
		l.omitted++
		return
	}
	var pos Pos
	if l.d != nil {
		pos = l.d.position(path)
	}
	l.push(FieldError{Path: path, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(format, args...)})
}

func (l *errorList) at(pos Pos, path string, format string, args ...any) {
	if l.full() {
		l.omitted++
		return
	}
	l.push(FieldError{Path: path, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(format, args...)})
}

// check adds err, if any, as a problem at path.
func (l *errorList) check(path string, err error) {
	if err != nil {
		l.add(path, "%s", err.Error())
	}
}

func (l *errorList) empty() bool { return len(l.errs) == 0 && l.omitted == 0 }

func (l *errorList) result() error {
	if l.empty() {
		return nil
	}
	return capped(l.errs, l.omitted)
}

// capped sorts errs and keeps the first maxErrors of them, followed, when
// any were left out, by one line that says how many.
func capped(errs Errors, omitted int) Errors {
	errs = slices.Clone(errs).sorted()
	if len(errs) > maxErrors {
		omitted += len(errs) - maxErrors
		errs = errs[:maxErrors]
	}
	if omitted > 0 {
		errs = append(errs, FieldError{
			Message: fmt.Sprintf("and %d more problems not shown; fix these and run validate again", omitted),
			omitted: omitted,
		})
	}
	return errs
}

// nearest returns the candidate closest to s by edit distance, when it is
// close enough to be a plausible typo.
func nearest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(s)/3)
	if bestD <= limit {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Not a typo of a short key; do not spend quadratic time on junk.
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// maxListed bounds how many valid names a message lists: a design with
// thousands of residencies must not make every error thousands of names long.
const maxListed = 20

// listNames joins names for a message, the first maxListed of them.
func listNames(names []string) string {
	if len(names) <= maxListed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxListed], ", "), len(names)-maxListed)
}
