package directory_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

func TestModerationApprove(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	published := publishForOrg(t, s, acctOrgA, 1)
	var heard []directory.Change
	s.Watch(func(c directory.Change) { heard = append(heard, c) })

	clk.advance(24 * time.Hour)
	edit := *published
	edit.Description = "A **friendly** walking group."
	edit.Capacity = directory.CapacityFull // not the form's to set: approval must keep the published value
	d, err := s.SubmitDraft(ctx, &edit, "prov@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != directory.DraftPending || d.SubmittedBy != "prov@example.org" {
		t.Fatalf("draft = %+v", d)
	}
	if got := service(t, s, published.ID); got.Description != published.Description {
		t.Fatalf("a submitted draft changed the published listing: %q", got.Description)
	}
	if len(heard) != 0 {
		t.Errorf("watchers heard of a draft: %+v (search must not see drafts)", heard)
	}
	queue, err := s.Drafts(ctx, directory.DraftPending)
	if err != nil || len(queue) != 1 || queue[0].ServiceID != published.ID {
		t.Fatalf("queue = %+v, %v", queue, err)
	}

	// Capacity moves on while the draft waits.
	if changed, err := s.SetCapacity(ctx, published.ID, directory.CapacityWaitingList, "prov@example.org"); err != nil || !changed {
		t.Fatalf("SetCapacity = %v, %v", changed, err)
	}
	clk.advance(24 * time.Hour)
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: ""}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Service(ctx, published.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != edit.Description {
		t.Errorf("published description = %q after approval", got.Description)
	}
	if got.Capacity != directory.CapacityWaitingList {
		t.Errorf("approval overwrote capacity: %q", got.Capacity)
	}
	if got.AssuredDate != published.AssuredDate {
		t.Errorf("assured_date = %q, want it kept as %q: approval applies content only", got.AssuredDate, published.AssuredDate)
	}
	if _, err := s.Draft(ctx, published.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("draft still there after approval: %v", err)
	}
	if len(heard) != 2 || heard[1].ServiceIDs[0] != published.ID {
		t.Errorf("watchers heard %+v, want capacity then approval", heard)
	}

	revs, err := s.Revisions(ctx, published.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []directory.RevisionAction
	for _, r := range revs {
		actions = append(actions, r.Action)
	}
	if want := []directory.RevisionAction{directory.ActionApprove, directory.ActionCapacity, directory.ActionEdit, directory.ActionImport}; !slices.Equal(actions, want) {
		t.Fatalf("history = %v, want %v", actions, want)
	}
	approval := revs[0]
	if approval.Actor != "admin@example.org" || !strings.Contains(approval.Note, "prov@example.org") {
		t.Errorf("approval revision = %+v", approval)
	}
	if paths := changedPaths(approval.Changes); !slices.Equal(paths, []string{"description"}) {
		t.Errorf("approval diff = %v", approval.Changes)
	}
	submission := revs[2]
	if submission.Actor != "prov@example.org" || len(submission.Snapshot) != 0 {
		t.Errorf("submission revision = %+v; it must not be restorable, it was never published", submission)
	}
	if paths := changedPaths(submission.Changes); !slices.Equal(paths, []string{"description"}) {
		t.Errorf("submission diff = %v", submission.Changes)
	}

	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: ""}); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("second approval: %v, want ErrNotFound", err)
	}
}

func changedPaths(cs []directory.FieldChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Path)
	}
	return out
}

func TestModerationReject(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	published := publishForOrg(t, s, acctOrgA, 1)
	edit := *published
	edit.Name = "Walking group (free!!!)"
	if _, err := s.SubmitDraft(ctx, &edit, "prov@example.org"); err != nil {
		t.Fatal(err)
	}

	var verr *directory.ValidationError
	if err := s.RejectDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: "  "}); !errors.As(err, &verr) || !strings.Contains(err.Error(), "reason: say why") {
		t.Fatalf("reject without a reason: %v", err)
	}
	if err := s.RejectDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: "Please keep the name plain."}); err != nil {
		t.Fatal(err)
	}
	d, err := s.Draft(ctx, published.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != directory.DraftRejected || d.Reason != "Please keep the name plain." || d.ReviewedBy != "admin@example.org" {
		t.Errorf("rejected draft = %+v", d)
	}
	if got := service(t, s, published.ID); got.Name != published.Name {
		t.Errorf("rejection published the draft: %q", got.Name)
	}
	revs := revisions(t, s, published.ID)
	if revs[0].Action != directory.ActionReject || revs[0].Note != "Please keep the name plain." || len(revs[0].Changes) != 1 || revs[0].Changes[0].Path != "name" {
		t.Errorf("rejection revision = %+v", revs[0])
	}
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: ""}); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("approving a rejected draft: %v, want ErrConflict", err)
	}

	// The provider corrects it and submits again: pending once more.
	edit.Name = "Walking group"
	if _, err := s.SubmitDraft(ctx, &edit, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	if d, err := s.Draft(ctx, published.ID); err != nil || d.Status != directory.DraftPending || d.Reason != "" {
		t.Errorf("resubmitted draft = %+v", d)
	}
}

func TestSubmitDraftRefuses(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	published := publishForOrg(t, s, acctOrgA, 1)
	tests := []struct {
		name    string
		edit    func(*directory.Service)
		wantErr string
		wantIs  error
	}{
		{"unchanged", func(*directory.Service) {}, "nothing differs", directory.ErrConflict},
		{"invalid", func(svc *directory.Service) { svc.Name = "" }, "name: is required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := *published
			tt.edit(&edit)
			_, err := s.SubmitDraft(ctx, &edit, "prov@example.org")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			if _, err := s.Draft(ctx, published.ID); !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("a refused draft was stored: %v", err)
			}
		})
	}
}

func TestNewListingWaitsForApproval(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	publishForOrg(t, s, acctOrgA, 1)
	fresh := serviceN(2)
	fresh.OrganizationID = acctOrgA
	if _, err := s.SubmitDraft(ctx, fresh, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service(ctx, fresh.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("a new listing was published before approval: %v", err)
	}
	mine, err := s.DraftsOf(ctx, acctOrgA)
	if err != nil || len(mine) != 1 || mine[0].ServiceID != fresh.ID {
		t.Fatalf("DraftsOf = %+v, %v", mine, err)
	}
	if other, err := s.DraftsOf(ctx, "bbbbbbbb-0000-4000-8000-000000000002"); err != nil || len(other) != 0 {
		t.Errorf("another organisation sees %d drafts", len(other))
	}
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: fresh.ID, Actor: "admin@example.org", Note: "welcome"}); err != nil {
		t.Fatal(err)
	}
	listed, err := s.ServicesOf(ctx, acctOrgA)
	if err != nil || len(listed) != 2 {
		t.Fatalf("ServicesOf = %d services, %v", len(listed), err)
	}
}

func TestCapacityAndConfirm(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	published := publishForOrg(t, s, acctOrgA, 1)

	tests := []struct {
		name        string
		do          func() (bool, error)
		wantChanged bool
		wantErr     string
		check       func(t *testing.T, svc *directory.Service)
		wantAction  directory.RevisionAction
	}{
		{
			name: "set full", do: func() (bool, error) {
				return s.SetCapacity(ctx, published.ID, directory.CapacityFull, "prov@example.org")
			},
			wantChanged: true, wantAction: directory.ActionCapacity,
			check: func(t *testing.T, svc *directory.Service) {
				if svc.Capacity != directory.CapacityFull {
					t.Errorf("capacity = %q", svc.Capacity)
				}
			},
		},
		{
			name: "set full again", do: func() (bool, error) {
				return s.SetCapacity(ctx, published.ID, directory.CapacityFull, "prov@example.org")
			},
			wantChanged: false,
		},
		{
			name: "unknown capacity", do: func() (bool, error) {
				return s.SetCapacity(ctx, published.ID, "closed", "prov@example.org")
			},
			wantErr: `capacity: "closed" is not one of`,
		},
		{
			name: "unknown service", do: func() (bool, error) {
				return s.SetCapacity(ctx, "no-such-id", directory.CapacityFull, "prov@example.org")
			},
			wantErr: "not found",
		},
		{
			name: "confirm", do: func() (bool, error) {
				clk.advance(48 * time.Hour)
				return s.ConfirmService(ctx, published.ID, "prov@example.org")
			},
			wantChanged: true, wantAction: directory.ActionConfirm,
			check: func(t *testing.T, svc *directory.Service) {
				if svc.AssuredDate != "2026-03-04" {
					t.Errorf("assured_date = %q, want today", svc.AssuredDate)
				}
			},
		},
		{
			name: "confirm twice in a day", do: func() (bool, error) {
				clk.advance(time.Hour)
				return s.ConfirmService(ctx, published.ID, "prov@example.org")
			},
			wantChanged: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := revisions(t, s, published.ID)
			changed, err := tt.do()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || changed != tt.wantChanged {
				t.Fatalf("changed=%v err=%v, want changed=%v", changed, err, tt.wantChanged)
			}
			after := revisions(t, s, published.ID)
			if !tt.wantChanged {
				if len(after) != len(before) {
					t.Errorf("a no-op wrote a revision")
				}
				return
			}
			if len(after) != len(before)+1 || after[0].Action != tt.wantAction || after[0].Actor != "prov@example.org" {
				t.Errorf("latest revision = %+v, want %s", after[0], tt.wantAction)
			}
			svc := service(t, s, published.ID)
			tt.check(t, svc)
		})
	}
}

func TestRestoreAfterApproval(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	published := publishForOrg(t, s, acctOrgA, 1)
	edit := *published
	edit.Description = "Rewritten."
	if _, err := s.SubmitDraft(ctx, &edit, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org", Note: ""}); err != nil {
		t.Fatal(err)
	}
	revs := revisions(t, s, published.ID)
	original := revs[len(revs)-1]
	if err := s.RestoreRevision(ctx, published.ID, original.Seq, "admin@example.org"); err != nil {
		t.Fatal(err)
	}
	got := service(t, s, published.ID)
	if got.Description != published.Description {
		t.Errorf("after restore description = %q", got.Description)
	}
	revs = revisions(t, s, published.ID)
	if revs[0].Action != directory.ActionRestore || len(revs[0].Changes) == 0 {
		t.Errorf("restore revision = %+v", revs[0])
	}
}

func TestStaleServices(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	newAcctClock(s)
	assured := map[int]string{1: "2025-01-10", 2: "", 3: "2026-02-01", 4: "2024-06-30", 5: "2025-08-01"}
	for i := 1; i <= 5; i++ {
		svc := serviceN(i)
		svc.OrganizationID = acctOrgA
		svc.Organization = &directory.Organization{ID: acctOrgA, Name: "Friends of the Park", Description: "x", Email: "hello@friends.example"}
		svc.AssuredDate = assured[i]
		if i == 4 {
			svc.Email = "walks@friends.example"
		}
		if i == 5 {
			svc.Status = directory.StatusInactive // closed listings need no chasing
			svc.AssuredDate = ""
		}
		if _, err := s.PutService(ctx, svc, directory.Save{Actor: "test", Action: directory.ActionImport}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddAccount(ctx, directory.Account{Email: "prov@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA}}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	stale, total, err := s.StaleServices(ctx, now.Add(-directory.ChaseAfter), 0)
	if err != nil || total != 3 {
		t.Fatalf("stale report: %d listings, %v", total, err)
	}
	firstTwo, total, err := s.StaleServices(ctx, now.Add(-directory.ChaseAfter), 2)
	if err != nil || len(firstTwo) != 2 || total != 3 || firstTwo[1].Name != "Activity 4" {
		t.Fatalf("limited stale report: %d shown of %d", len(firstTwo), total)
	}
	var names []string
	for _, l := range stale {
		names = append(names, l.Name)
	}
	if want := []string{"Activity 2", "Activity 4", "Activity 1"}; !slices.Equal(names, want) {
		t.Fatalf("stale report = %v, want never-confirmed then oldest first %v", names, want)
	}
	four := stale[1]
	if !slices.Equal(four.Contact, []string{"walks@friends.example", "hello@friends.example"}) {
		t.Errorf("contact = %v", four.Contact)
	}
	if !slices.Equal(four.Providers, []string{"prov@example.org"}) || four.OrganizationName != "Friends of the Park" {
		t.Errorf("stale line = %+v", four)
	}
	if !stale[0].Assured.IsZero() {
		t.Errorf("never-confirmed listing has Assured = %v", stale[0].Assured)
	}
}

// The stale report pages and filters: by organisation, by area (a town or
// a postcode district) and by how long since confirmation.
func TestStaleReportPagesAndFilters(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	newAcctClock(s)
	const orgB = "bbbbbbbb-0000-4000-8000-000000000002"
	// Twelve stale listings: even ones in Bootle (L20) for org A, odd ones
	// in Wallasey (CH45) for org B; one a year older than the next.
	for i := 1; i <= 12; i++ {
		svc := serviceN(i)
		org, city, pc := acctOrgA, "Bootle", "L20 3NJ"
		if i%2 == 1 {
			org, city, pc = orgB, "Wallasey", "CH45 4PQ"
		}
		svc.OrganizationID = org
		svc.Organization = &directory.Organization{ID: org, Name: "Org " + org[:1], Description: "x"}
		svc.AssuredDate = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -2*i, 0).Format(time.DateOnly)
		if i == 12 {
			svc.AssuredDate = ""
		}
		svc.ServiceAtLocations = []directory.ServiceAtLocation{{ID: fmt.Sprintf("00000000-0000-4000-8001-%012d", i), Location: &directory.Location{
			ID: fmt.Sprintf("00000000-0000-4000-8002-%012d", i), LocationType: directory.LocationPhysical,
			Addresses: []directory.Address{{ID: fmt.Sprintf("00000000-0000-4000-8003-%012d", i), Address1: "1 High Street", City: city, PostalCode: pc, Country: "GB"}},
		}}}
		if _, err := s.PutService(ctx, svc, directory.Save{Actor: "test", Action: directory.ActionImport}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	names := func(p directory.StalePage) []string {
		var out []string
		for _, l := range p.Listings {
			out = append(out, strings.TrimPrefix(l.Name, "Activity "))
		}
		return out
	}
	tests := []struct {
		name  string
		q     directory.StaleQuery
		total int
		want  []string
	}{
		{"first page", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), Limit: 5}, 12, []string{"12", "11", "10", "9", "8"}},
		{"second page", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), Offset: 5, Limit: 5}, 12, []string{"7", "6", "5", "4", "3"}},
		{"last page", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), Offset: 10, Limit: 5}, 12, []string{"2", "1"}},
		{"one organisation", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), OrgID: orgB, Limit: 3}, 6, []string{"11", "9", "7"}},
		{"a town", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), Area: "bootle", Limit: 50}, 6, []string{"12", "10", "8", "6", "4", "2"}},
		{"a postcode district", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), Area: "CH45", Limit: 2}, 6, []string{"11", "9"}},
		{"over thirty months", directory.StaleQuery{Cutoff: now.AddDate(0, -30, 0), Limit: 50}, 2, []string{"12", "11"}},
		{"never confirmed", directory.StaleQuery{NeverOnly: true, Limit: 50}, 1, []string{"12"}},
		{"organisation and town that do not meet", directory.StaleQuery{Cutoff: now.AddDate(0, -6, 0), OrgID: orgB, Area: "Bootle"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.StaleReport(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.total || !slices.Equal(names(page), tt.want) {
				t.Errorf("total %d %v, want %d %v", page.Total, names(page), tt.total, tt.want)
			}
		})
	}
}
