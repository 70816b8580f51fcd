package directory_test

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

func mergeFixture(t *testing.T) (*directory.Store, *directory.Service, *directory.Service) {
	t.Helper()
	s := MustOpen(t)
	a := withPhone(dupService(1, "Bootle Walking Group"), "0151 496 0001")
	a.Organization = &directory.Organization{ID: "00000000-0000-4000-8000-0000000000a1", Name: "Bootle Ramblers", Description: "Walks."}
	b := withPhone(dupService(2, "The Bootle Walking Club"), "0151 496 0001")
	b.Organization = &directory.Organization{ID: "00000000-0000-4000-8000-0000000000b1", Name: "Sefton Directory", Description: "A directory."}
	mustPut(t, s, a, directory.Save{Actor: "test", Action: directory.ActionImport})
	mustPut(t, s, b, directory.Save{Actor: "test", Action: directory.ActionImport})
	return s, a, b
}

func TestMergeAndUnmerge(t *testing.T) {
	ctx := context.Background()
	s, a, b := mergeFixture(t)

	got, err := s.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	must(t, err)
	if len(got) != 1 || got[0].Key() != directory.PairKey(a.ID, b.ID) {
		t.Fatalf("candidates %+v, want the one pair", got)
	}

	before := generation(t, s)
	must(t, s.DecideDuplicate(ctx, b.ID, a.ID, directory.VerdictSame, a.ID, "admin@example.org"))
	if generation(t, s) == before {
		t.Fatal("a merge did not move the generation")
	}
	if sb := service(t, s, b.ID).SupersededBy; sb != a.ID {
		t.Fatalf("hidden listing superseded_by %q, want %q", sb, a.ID)
	}
	if sb := service(t, s, a.ID).SupersededBy; sb != "" {
		t.Fatalf("lead superseded_by %q, want none", sb)
	}
	merged, err := s.MergedInto(ctx, a.ID)
	must(t, err)
	if len(merged) != 1 || merged[0].ID != b.ID || merged[0].Organization.Name != "Sefton Directory" {
		t.Fatalf("merged into lead: %+v", merged)
	}
	if revs := revisions(t, s, b.ID); revs[0].Note != "merged into "+a.ID+" as a duplicate" || revs[0].Actor != "admin@example.org" {
		t.Fatalf("latest revision %+v, want the merge recorded", revs[0])
	}
	got, err = s.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("a merged pair is offered again: %+v", got)
	}

	must(t, s.UndoDuplicate(ctx, a.ID, b.ID, "admin@example.org"))
	if sb := service(t, s, b.ID).SupersededBy; sb != "" {
		t.Fatalf("after un-merge superseded_by %q, want none", sb)
	}
	merged, err = s.MergedInto(ctx, a.ID)
	must(t, err)
	if len(merged) != 0 {
		t.Fatalf("after un-merge still merged: %+v", merged)
	}
	got, err = s.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	must(t, err)
	if len(got) != 1 {
		t.Fatalf("after un-merge %d candidates, want the pair offered again", len(got))
	}
}

func TestDuplicateVerdicts(t *testing.T) {
	ctx := context.Background()
	s, a, b := mergeFixture(t)

	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictLater, "", "admin"))
	got, err := s.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	must(t, err)
	if len(got) != 1 || got[0].Decision == nil || got[0].Decision.Verdict != directory.VerdictLater {
		t.Fatalf("a pair put off is still offered, marked as such: %+v", got)
	}

	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictSame, b.ID, "admin"))
	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictDifferent, "", "admin"))
	if sb := service(t, s, a.ID).SupersededBy; sb != "" {
		t.Fatalf("deciding 'different' after a merge left superseded_by %q", sb)
	}
	got, err = s.DuplicateCandidates(ctx, directory.DuplicateOptions{})
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("a pair decided different is offered again: %+v", got)
	}

	tests := []struct {
		name       string
		a, b, lead string
		verdict    directory.DuplicateVerdict
	}{
		{"lead outside the pair", a.ID, b.ID, "00000000-0000-4000-8000-000000000009", directory.VerdictSame},
		{"unknown verdict", a.ID, b.ID, "", "maybe"},
		{"itself", a.ID, a.ID, a.ID, directory.VerdictSame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.DecideDuplicate(ctx, tt.a, tt.b, tt.verdict, tt.lead, "admin"); !errors.Is(err, directory.ErrConflict) {
				t.Fatalf("err %v, want ErrConflict", err)
			}
		})
	}
	if err := s.DecideDuplicate(ctx, a.ID, "00000000-0000-4000-8000-000000000009", directory.VerdictDifferent, "", "admin"); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("unknown listing: err %v, want ErrNotFound", err)
	}
}

// A publisher's copy knows nothing of the merge; importing it again must
// not bring the hidden listing back.
func TestMergeSurvivesReimport(t *testing.T) {
	ctx := context.Background()
	s, a, b := mergeFixture(t)
	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictSame, a.ID, "admin"))

	fresh := withPhone(dupService(2, "The Bootle Walking Club"), "0151 496 0001")
	fresh.Description = "Changed upstream."
	imp := beginImport(t, s, "sefton.ndjson")
	must(t, imp.Put(ctx, fresh))
	_, err := imp.Commit(ctx)
	must(t, err)

	got := service(t, s, b.ID)
	if got.Description != "Changed upstream." {
		t.Fatalf("the re-import was not applied: %+v", got)
	}
	if got.SupersededBy != a.ID {
		t.Fatalf("after re-import superseded_by %q, want %q", got.SupersededBy, a.ID)
	}
	// Even a copy that claims to lead nowhere cannot clear it.
	fresh.SupersededBy = ""
	mustPut(t, s, fresh, directory.Save{Actor: "feed"})
	if sb := service(t, s, b.ID).SupersededBy; sb != a.ID {
		t.Fatalf("after a put superseded_by %q, want %q", sb, a.ID)
	}
}

// Merging a lead into another carries what was merged into it along, so no
// hidden listing points at a hidden lead.
func TestMergeChainsFollowTheLead(t *testing.T) {
	ctx := context.Background()
	s, a, b := mergeFixture(t)
	c := withPhone(dupService(3, "Bootle Walking"), "0151 496 0001")
	mustPut(t, s, c, directory.Save{Actor: "test"})
	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictSame, a.ID, "admin"))
	must(t, s.DecideDuplicate(ctx, a.ID, c.ID, directory.VerdictSame, c.ID, "admin"))
	for _, id := range []string{a.ID, b.ID} {
		if sb := service(t, s, id).SupersededBy; sb != c.ID {
			t.Fatalf("%s superseded_by %q, want %q", id, sb, c.ID)
		}
	}
	if err := s.DecideDuplicate(ctx, a.ID, c.ID, directory.VerdictSame, a.ID, "admin"); err != nil {
		t.Fatalf("changing the lead of a merged pair: %v", err)
	}
}

// Removing a lead brings back what was merged into it.
func TestRemovingALeadReleasesItsDuplicates(t *testing.T) {
	ctx := context.Background()
	s, a, b := mergeFixture(t)
	must(t, s.DecideDuplicate(ctx, a.ID, b.ID, directory.VerdictSame, a.ID, "admin"))
	must(t, s.DeleteService(ctx, a.ID, directory.Save{Actor: "admin"}))
	if sb := service(t, s, b.ID).SupersededBy; sb != "" {
		t.Fatalf("after its lead was removed superseded_by %q, want none", sb)
	}
	decisions, err := s.DuplicateDecisions(ctx)
	must(t, err)
	if len(decisions) != 0 {
		t.Fatalf("decisions about a removed listing remain: %v", decisions)
	}
}
