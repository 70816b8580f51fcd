package directory_test

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

// TestTeamLists: a list shared with its owner's team is the team's to open
// and continue; every change names who made it; another team never sees
// it; when the owner leaves, it stays with the team.
func TestTeamLists(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	for _, e := range []string{"khan@example.org", "jones@example.org", "other@example.org"} {
		addAccount(t, s, e, directory.RoleLinkWorker)
	}
	bootle, err := s.CreateTeam(ctx, "Bootle PCN", directory.TeamPCN)
	must(t, err)
	other, err := s.CreateTeam(ctx, "Wirral Practice", directory.TeamPractice)
	must(t, err)
	must(t, s.AddTeamMember(ctx, bootle.ID, "khan@example.org"))
	must(t, s.AddTeamMember(ctx, bootle.ID, "jones@example.org"))
	must(t, s.AddTeamMember(ctx, other.ID, "other@example.org"))
	if err := s.AddTeamMember(ctx, other.ID, "khan@example.org"); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("a member of two teams: %v", err)
	}
	khan, jones, outsider := directory.AccountOwner("khan@example.org"), directory.AccountOwner("jones@example.org"), directory.AccountOwner("other@example.org")

	sl, err := s.CreateShortlist(ctx, khan, "Mr P")
	must(t, err)
	_, err = s.AddItem(ctx, khan, sl.ID, serviceN(1).ID)
	must(t, err)
	if _, err := s.Shortlist(ctx, jones, sl.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("a colleague sees a list not shared with the team: %v", err)
	}
	if _, err := s.ShareWithTeam(ctx, jones, sl.ID, true); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("a colleague shared another's list: %v", err)
	}
	_, err = s.ShareWithTeam(ctx, khan, sl.ID, true)
	must(t, err)

	team, err := s.TeamShortlists(ctx, jones)
	if err != nil || len(team) != 1 || team[0].ID != sl.ID {
		t.Fatalf("jones's team lists: %v, %v", team, err)
	}
	f.now = f.now.AddDate(0, 0, 1)
	note := "Ask for Jo"
	got, err := s.SaveShortlist(ctx, jones, sl.ID, directory.ListEdit{Notes: map[string]directory.ItemNote{serviceN(1).ID: {Text: note}}})
	must(t, err)
	_, err = s.AddItem(ctx, jones, sl.ID, serviceN(2).ID)
	must(t, err)
	got, err = s.Shortlist(ctx, khan, sl.ID)
	must(t, err)
	var who []string
	for _, c := range got.History {
		who = append(who, c.By+" "+string(c.What))
	}
	want := []string{"khan@example.org created", "khan@example.org added", "khan@example.org team", "jones@example.org notes", "jones@example.org added"}
	if len(who) != len(want) {
		t.Fatalf("history %q, want %q", who, want)
	}
	for i := range want {
		if who[i] != want[i] {
			t.Errorf("history[%d] = %q, want %q", i, who[i], want[i])
		}
	}

	for name, try := range map[string]func() error{
		"open":  func() error { _, err := s.Shortlist(ctx, outsider, sl.ID); return err },
		"add":   func() error { _, err := s.AddItem(ctx, outsider, sl.ID, serviceN(3).ID); return err },
		"share": func() error { _, _, err := s.ShareShortlist(ctx, outsider, sl.ID, 0); return err },
		"current": func() error {
			return s.SetCurrentList(ctx, outsider, sl.ID)
		},
	} {
		if err := try(); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("another team's link worker can %s the list: %v", name, err)
		}
	}
	if lists, _ := s.TeamShortlists(ctx, outsider); len(lists) != 0 {
		t.Errorf("another team lists %d", len(lists))
	}
	if err := s.DeleteShortlist(ctx, jones, sl.ID); !errors.Is(err, directory.ErrForbidden) {
		t.Errorf("a colleague deleted the owner's list: %v", err)
	}

	t.Run("the owner leaves; the list stays with the team", func(t *testing.T) {
		must(t, s.DisableAccount(ctx, "khan@example.org"))
		m, err := s.MakerOf(ctx, got)
		if err != nil || m.Team != "Bootle PCN" || !m.Profile.Empty() {
			t.Errorf("maker %+v, %v", m, err)
		}
		if _, err := s.Shortlist(ctx, jones, sl.ID); err != nil {
			t.Errorf("the team lost the list: %v", err)
		}
	})
}
