package directory

import (
	"errors"
	"fmt"
	"strings"
)

// Errors callers branch on. Wrap them with context; test with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
)

// Problem is one thing wrong with a record, located by its field path in the
// HSDS JSON form ("service_at_locations[0].location.latitude").
type Problem struct {
	Path    string
	Message string
	// Warning problems are reported but do not stop a record being stored.
	Warning bool
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems is the result of validating one record.
type Problems []Problem

// Errors returns only the problems that refuse the record.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if !p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the problems that are reported but accepted.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning {
			out = append(out, p)
		}
	}
	return out
}

// ValidationError refuses a record, naming it and every problem found.
type ValidationError struct {
	Record   int // 1-based position in its file; 0 when not from a file
	ID       string
	Problems Problems
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Prefix())
		b.WriteString(p.String())
	}
	return b.String()
}

// Prefix names the record: "record 3 (id 6d0c…): ".
func (e *ValidationError) Prefix() string {
	switch {
	case e.Record > 0 && e.ID != "":
		return fmt.Sprintf("record %d (id %s): ", e.Record, e.ID)
	case e.Record > 0:
		return fmt.Sprintf("record %d: ", e.Record)
	case e.ID != "":
		return fmt.Sprintf("id %s: ", e.ID)
	}
	return ""
}
