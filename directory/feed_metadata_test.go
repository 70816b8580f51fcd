package directory

import (
	"testing"
	"time"
)

func TestFeedMetadata(t *testing.T) {
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	// Newest first, as the store gives them.
	revs := []Revision{
		{Seq: 5, Actor: "feed:sefton", Action: ActionFeed, At: at.Add(72 * time.Hour), Changes: []FieldChange{{Path: "status", Old: "inactive", New: "active"}}},
		{Seq: 4, Actor: "feed:sefton", Action: ActionWithdraw, At: at.Add(48 * time.Hour), Changes: []FieldChange{{Path: "status", Old: "active", New: "inactive"}}},
		{Seq: 3, Actor: "admin@example.org", Action: ActionEdit, At: at.Add(30 * time.Hour), Changes: []FieldChange{{Path: "alert", New: "Closed in August"}}},
		{Seq: 2, Actor: "feed:sefton", Action: ActionFeed, At: at.Add(24 * time.Hour), Changes: []FieldChange{{Path: "name", Old: "Walk", New: "Health walk"}, {Path: "url", New: "https://walks.example"}}},
		{Seq: 1, Actor: "feed:sefton", Action: ActionFeed, At: at},
	}
	got := feedMetadata("svc-1", revs)
	want := []struct{ action, field, old, new, date string }{
		{"create", "", "", "", "2026-03-04"},
		{"update", "name", "Walk", "Health walk", "2026-03-05"},
		{"update", "url", "", "https://walks.example", "2026-03-05"},
		{"withdraw", "status", "active", "inactive", "2026-03-06"},
		{"update", "status", "inactive", "active", "2026-03-07"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	ids := map[string]bool{}
	for i, w := range want {
		g := got[i]
		if g.LastActionType != w.action || g.FieldName != w.field || g.PreviousValue != w.old || g.ReplacementValue != w.new ||
			g.LastActionDate != w.date || g.UpdatedBy != "feed:sefton" || g.ResourceID != "svc-1" || g.ResourceType != "service" {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
		if ids[g.ID] || g.ID == "" {
			t.Errorf("entry %d id %q is empty or repeated", i, g.ID)
		}
		ids[g.ID] = true
	}
	if again := feedMetadata("svc-1", revs); again[0].ID != got[0].ID {
		t.Error("entry ids change between calls")
	}

	// Only the newest entries of a long history.
	var long []Revision
	for i := 300; i >= 1; i-- {
		long = append(long, Revision{Seq: uint64(i), Actor: "feed:x", At: at, Changes: []FieldChange{{Path: "name", New: "v"}}})
	}
	if got := feedMetadata("svc-1", long); len(got) != maxFeedMetadata {
		t.Errorf("a long history gave %d entries, want %d", len(got), maxFeedMetadata)
	}
}
