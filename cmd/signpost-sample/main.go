// Command signpost-sample derives the structured data of the embedded
// sample directory (data/sample/services.ndjson) from its text, so the
// derivation can be read and run again rather than edited by hand. Today
// that is the access features of each place (the signpost-access
// taxonomy), read from the place's accessibility notes and directions by
// directory.AccessFromText, plus British Sign Language where the service is
// offered in it. Running it twice changes nothing.
//
//	go run ./cmd/signpost-sample [--in data/sample/services.ndjson] [--out same]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"signpost/directory"
)

func main() {
	in := flag.String("in", "data/sample/services.ndjson", "the sample directory, HSDS NDJSON")
	out := flag.String("out", "", "where to write it (default: over --in)")
	flag.Parse()
	if *out == "" {
		*out = *in
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "signpost-sample:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	places, featured := 0, 0
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var svc directory.Service
		if err := json.Unmarshal(line, &svc); err != nil {
			return fmt.Errorf("%s line %d: %w", in, n, err)
		}
		p, f := deriveAccess(&svc)
		places, featured = places+p, featured+f
		enc, err := json.Marshal(&svc)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", in, n, err)
		}
		buf.Write(enc)
		buf.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d places, %d with access features\n", places, featured)
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// deriveAccess sets the access features of every physical place of svc
// from its notes, and reports how many places it saw and how many have a
// feature.
func deriveAccess(svc *directory.Service) (places, featured int) {
	bsl := slices.ContainsFunc(svc.Languages, func(l directory.Language) bool {
		return l.Code == "bfi" || strings.EqualFold(l.Name, "British Sign Language")
	})
	for i := range svc.ServiceAtLocations {
		sal := &svc.ServiceAtLocations[i]
		l := sal.Location
		if l == nil || l.LocationType != directory.LocationPhysical {
			continue
		}
		places++
		var text strings.Builder
		for _, a := range l.Accessibility {
			text.WriteString(a.Description + " " + a.Details + " ")
		}
		text.WriteString(l.Transportation)
		codes := directory.AccessFromText(text.String())
		if bsl {
			codes = append(codes, "bsl")
		}
		sal.SetAccess(codes)
		if len(sal.AccessCodes()) > 0 {
			featured++
		}
	}
	return places, featured
}
