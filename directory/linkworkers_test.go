package directory_test

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

func addAccount(t *testing.T, s *directory.Store, email string, role directory.Role, orgs ...string) {
	t.Helper()
	if _, err := s.AddAccount(context.Background(), directory.Account{Email: email, Role: role, Orgs: orgs}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
}

func TestProfiles(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	addAccount(t, s, "khan@example.org", directory.RoleLinkWorker)
	want := directory.Profile{DisplayName: "A. Khan", JobTitle: "Social prescribing link worker", Organisation: "Bootle Village Surgery", Phone: "0151 496 0000", Email: "a.khan@example.nhs.uk"}
	if _, err := s.SetProfile(ctx, "khan@example.org", want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Profile(ctx, "khan@example.org")
	if err != nil || got != want {
		t.Errorf("profile %+v, %v", got, err)
	}

	t.Run("refused fields", func(t *testing.T) {
		_, err := s.SetProfile(ctx, "khan@example.org", directory.Profile{Phone: "call me", Email: "not an address"})
		var ve *directory.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 2 || ve.Problems[0].Path != "phone" || ve.Problems[1].Path != "email" {
			t.Errorf("err %v", err)
		}
	})
	t.Run("only link workers", func(t *testing.T) {
		addAccount(t, s, "admin@example.org", directory.RoleAdmin)
		if _, err := s.SetProfile(ctx, "admin@example.org", want); !errors.Is(err, directory.ErrForbidden) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("the maker of a list, until they leave", func(t *testing.T) {
		sl, err := s.CreateShortlist(ctx, directory.AccountOwner("khan@example.org"), "Mrs K")
		must(t, err)
		m, err := s.MakerOf(ctx, sl)
		if err != nil || m.Profile != want {
			t.Errorf("maker %+v, %v", m, err)
		}
		must(t, s.DisableAccount(ctx, "khan@example.org"))
		if m, err := s.MakerOf(ctx, sl); err != nil || !m.Profile.Empty() {
			t.Errorf("a disabled maker still shows: %+v, %v", m, err)
		}
	})
}
