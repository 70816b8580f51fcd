// Package directorytest holds what tests in more than one package need of
// directory's test data, as net/http/httptest does for net/http.
package directorytest

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"signpost/directory"
)

// IdentifierCase is one line of directory/testdata/identifiers.txt: a
// text, and what the identifier filter must find in it as a reference and
// as a note (nil: it passes).
type IdentifierCase struct {
	Line            int
	Text            string
	Reference, Note []directory.IdentifierKind
}

// ReadIdentifierCases reads the cases the identifier filter is held to,
// from path (directory's testdata/identifiers.txt, named relative to the
// calling test's package). directory's filter and web's forms are held to
// the same file.
func ReadIdentifierCases(path string) ([]IdentifierCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	kinds := func(s string) []directory.IdentifierKind {
		if s == "pass" {
			return nil
		}
		var out []directory.IdentifierKind
		for _, k := range strings.Split(s, ",") {
			out = append(out, directory.IdentifierKind(k))
		}
		return out
	}
	var cases []IdentifierCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, fmt.Errorf("identifiers.txt:%d: want <reference> <note> <text>", n)
		}
		_, rest, _ := strings.Cut(line, fields[0])
		_, rest, _ = strings.Cut(rest, fields[1])
		text, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil {
			return nil, fmt.Errorf("identifiers.txt:%d: %w", n, err)
		}
		c := IdentifierCase{Line: n, Text: text, Reference: kinds(fields[0]), Note: kinds(fields[1])}
		if fields[1] == "=" {
			c.Note = c.Reference
		}
		cases = append(cases, c)
	}
	return cases, sc.Err()
}
