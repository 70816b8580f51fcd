package web

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"signpost/directory"
)

// TestHistoryCreationRevisions: the store records a listing's first
// published version with its snapshot alone and no field-level diff. The
// history page says what it was ("Imported", "Listing created") in a
// sentence, instead of a heading over nothing; later changes still show
// their diff.
func TestHistoryCreationRevisions(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	ctx := context.Background()
	admin := es.signedIn(t, emailAdmin)

	// newListing is a copy of listing A under a new id and name, not yet
	// in the store.
	newListing := func(t *testing.T, name string) *directory.Service {
		t.Helper()
		svc, err := es.store.Service(ctx, es.ListingA)
		if err != nil {
			t.Fatal(err)
		}
		svc.ID, svc.Name = uuid.NewString(), name
		return svc
	}
	publish := func(t *testing.T, svc *directory.Service) {
		t.Helper()
		if _, err := es.store.PutService(ctx, svc, directory.Save{Actor: emailAdmin, Action: directory.ActionEdit}); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name string
		// setup returns the listing whose history to read.
		setup func(t *testing.T) string
		// headings are the revisions' headings, newest first; summaries
		// their sentences ("" for one with a diff or a note instead).
		headings, summaries []string
	}{
		{
			name:      "imported",
			setup:     func(*testing.T) string { return es.ListingB },
			headings:  []string{"Imported"},
			summaries: []string{"The first version of “" + es.listingName(t, es.ListingB) + "”, from an import."},
		},
		{
			name: "sent for review by a provider and approved",
			setup: func(t *testing.T) string {
				svc := newListing(t, "Knit and Natter")
				if _, err := es.store.SubmitDraft(ctx, svc, emailProvA); err != nil {
					t.Fatal(err)
				}
				if err := es.store.ApproveDraft(ctx, directory.Review{ServiceID: svc.ID, Actor: emailAdmin}); err != nil {
					t.Fatal(err)
				}
				return svc.ID
			},
			headings:  []string{"Listing created", "Changes sent for review"},
			summaries: []string{"The first version of “Knit and Natter”, approved and published.", ""},
		},
		{
			name: "published by an admin, then its capacity changed",
			setup: func(t *testing.T) string {
				svc := newListing(t, "Walk and Talk")
				publish(t, svc)
				if _, err := es.store.SetCapacity(ctx, svc.ID, directory.CapacityFull, emailProvA); err != nil {
					t.Fatal(err)
				}
				return svc.ID
			},
			headings:  []string{"Capacity changed", "Listing created"},
			summaries: []string{"", "The first version of “Walk and Talk”, published."},
		},
		{
			name: "removed and published again",
			setup: func(t *testing.T) string {
				svc := newListing(t, "Men's Shed")
				publish(t, svc)
				if err := es.store.DeleteService(ctx, svc.ID, directory.Save{Actor: emailAdmin}); err != nil {
					t.Fatal(err)
				}
				publish(t, svc)
				return svc.ID
			},
			headings:  []string{"Listing created", "Removed", "Listing created"},
			summaries: []string{"The first version of “Men's Shed”, published.", "", "The first version of “Men's Shed”, published."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.setup(t)
			admin.t = t
			resp, doc := admin.get("/provider/listings/" + id + "/history")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			revs := doc.Find(".revision")
			if revs.Length() != len(tt.headings) {
				t.Fatalf("%d revisions (%s), want %d", revs.Length(), items(revs.Find("h2")), len(tt.headings))
			}
			for i, rev := range revs.EachIter() {
				if got := textOf(rev.Find("h2")); got != tt.headings[i] {
					t.Errorf("revision %d: heading %q, want %q", i+1, got, tt.headings[i])
				}
				if got := textOf(rev.Find(".summary")); got != tt.summaries[i] {
					t.Errorf("revision %d: summary %q, want %q", i+1, got, tt.summaries[i])
				}
				// A creation has no diff; every other revision here
				// has one, so nothing shows an empty heading.
				hasDiff := rev.Find("table.diff tbody tr").Length() > 0
				if created := tt.summaries[i] != ""; created == hasDiff {
					t.Errorf("revision %d (%s): diff shown %v, summary %q", i+1, tt.headings[i], hasDiff, tt.summaries[i])
				}
			}
		})
	}
}

// listingName is the published name of listing id.
func (es *editorialSite) listingName(t *testing.T, id string) string {
	t.Helper()
	svc, err := es.store.Service(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return svc.Name
}
