package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"testing"

	"signpost/directory"
)

// After a merge the list returns the lead only; the hidden listing is still
// there by id, saying which listing supersedes it, in JSON and NDJSON alike.
func TestServicesAfterMerge(t *testing.T) {
	svcs := synthServices(10, 31)
	lead := svcs[0]
	dup := *lead
	dup.ID = synthID(31, "duplicate", 0)
	dup.Name = "The " + lead.Name
	f := newFixture(t, append(svcs, &dup))

	search := "/api/v1/services?search=" + url.QueryEscape(lead.Name)
	ids := func(path string) map[string]bool {
		t.Helper()
		out := map[string]bool{}
		for _, s := range getJSON[Page[directory.Service]](t, f, path).Contents {
			out[s.ID] = true
		}
		return out
	}
	if got := ids(search); !got[lead.ID] || !got[dup.ID] {
		t.Fatalf("before the merge: %v, want both", got)
	}
	if err := f.store.DecideDuplicate(context.Background(), lead.ID, dup.ID, directory.VerdictSame, lead.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if got := ids(search); !got[lead.ID] || got[dup.ID] {
		t.Fatalf("after the merge: %v, want the lead and not the hidden one", got)
	}
	if got := ids("/api/v1/services?per_page=50"); got[dup.ID] || len(got) == 0 {
		t.Fatalf("the unfiltered list still holds the hidden listing")
	}
	hidden := getJSON[directory.Service](t, f, "/api/v1/services/"+dup.ID)
	if hidden.SupersededBy != lead.ID {
		t.Fatalf("hidden listing superseded_by %q, want %q", hidden.SupersededBy, lead.ID)
	}
	if got := getJSON[directory.Service](t, f, "/api/v1/services/"+lead.ID); got.SupersededBy != "" {
		t.Fatalf("lead superseded_by %q, want none", got.SupersededBy)
	}
	_, body := f.get(t, "/api/v1/services?format=ndjson")
	for _, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
		var s directory.Service
		if err := json.Unmarshal(line, &s); err != nil {
			t.Fatalf("ndjson line %q: %v", line, err)
		}
		if s.ID == dup.ID {
			t.Fatal("the NDJSON stream still holds the hidden listing")
		}
	}
}
