package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

// acctClock is a settable time source for the store.
type acctClock struct{ t time.Time }

func (c *acctClock) now() time.Time          { return c.t }
func (c *acctClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newAcctClock(s *directory.Store) *acctClock {
	c := &acctClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.SetClock(c.now)
	return c
}

// publishForOrg publishes one service of organisation orgID so that accounts can
// belong to it.
func publishForOrg(t *testing.T, s *directory.Store, orgID string, n int) *directory.Service {
	t.Helper()
	svc := serviceN(n)
	svc.OrganizationID = orgID
	svc.Organization = &directory.Organization{ID: orgID, Name: "Org " + orgID[len(orgID)-4:], Description: "An organisation."}
	if _, err := s.PutService(context.Background(), svc, directory.Save{Actor: "test", Action: directory.ActionImport}); err != nil {
		t.Fatal(err)
	}
	return svc
}

const acctOrgA = "aaaaaaaa-0000-4000-8000-000000000001"

func TestAddAccount(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	publishForOrg(t, s, acctOrgA, 1)

	tests := []struct {
		name     string
		acct     directory.Account
		password string
		wantErr  string
		wantIs   error
	}{
		{"admin", directory.Account{Email: " Admin@Example.org ", Role: directory.RoleAdmin}, "correct horse battery", "", nil},
		{"provider", directory.Account{Email: "prov@example.org", Role: directory.RoleProvider, Orgs: []string{acctOrgA, acctOrgA}}, "correct horse battery", "", nil},
		{"taken address, other case", directory.Account{Email: "ADMIN@example.org", Role: directory.RoleAdmin}, "correct horse battery", "already has an account", directory.ErrConflict},
		{"short password", directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "short", "password: must be at least 12 characters", nil},
		{"bad role", directory.Account{Email: "x@example.org", Role: "owner"}, "correct horse battery", `role: "owner" is not one of`, nil},
		{"bad address", directory.Account{Email: "not an address", Role: directory.RoleAdmin}, "correct horse battery", "is not an e-mail address", nil},
		{"provider without org", directory.Account{Email: "p2@example.org", Role: directory.RoleProvider}, "correct horse battery", "orgs: a provider needs at least one organisation", nil},
		{"admin with org", directory.Account{Email: "a2@example.org", Role: directory.RoleAdmin, Orgs: []string{acctOrgA}}, "correct horse battery", "only providers belong", nil},
		{"unknown org", directory.Account{Email: "p3@example.org", Role: directory.RoleProvider, Orgs: []string{"bbbbbbbb-0000-4000-8000-000000000009"}}, "correct horse battery", "organisation bbbbbbbb", directory.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AddAccount(ctx, tt.acct, tt.password)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("AddAccount: %v", err)
				}
				if got.Email != directory.NormalizeEmail(tt.acct.Email) || got.PasswordHash == "" || strings.Contains(got.PasswordHash, tt.password) {
					t.Errorf("stored %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
		})
	}

	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 || accts[0].Email != "admin@example.org" || accts[1].Email != "prov@example.org" {
		t.Fatalf("accounts = %+v", accts)
	}
	if p := accts[1]; len(p.Orgs) != 1 || !p.MemberOf(acctOrgA) || p.MemberOf("") {
		t.Errorf("provider orgs = %v", p.Orgs)
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount(ctx, directory.Account{Email: "gone@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := s.DisableAccount(ctx, "gone@example.org"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		ok                    bool
	}{
		{"right password", "lw@example.org", "correct horse battery", true},
		{"address in other case", "LW@example.org ", "correct horse battery", true},
		{"wrong password", "lw@example.org", "correct horse battery!", false},
		{"unknown address", "nobody@example.org", "correct horse battery", false},
		{"disabled account", "gone@example.org", "correct horse battery", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := s.Authenticate(ctx, tt.email, tt.password)
			if tt.ok {
				if err != nil || a.Email != "lw@example.org" {
					t.Fatalf("Authenticate = %v, %v", a, err)
				}
				return
			}
			if !errors.Is(err, directory.ErrBadCredentials) || a != nil {
				t.Fatalf("Authenticate = %v, %v; want ErrBadCredentials", a, err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	hash, err := directory.HashPassword("s3cret-enough")
	if err != nil {
		t.Fatal(err)
	}
	other, err := directory.HashPassword("s3cret-enough")
	if err != nil {
		t.Fatal(err)
	}
	if hash == other {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name, hash, password string
		want                 bool
	}{
		{"match", hash, "s3cret-enough", true},
		{"mismatch", hash, "s3cret-enougH", false},
		{"empty hash", "", "", false},
		{"bcrypt-looking hash", "$2a$10$abcdefghijklmnopqrstuv", "x", false},
		{"huge memory parameter", strings.Replace(hash, "m=19456", "m=99999999", 1), "s3cret-enough", false},
		{"corrupt salt", strings.Replace(hash, "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2,p=1$!!", 1), "s3cret-enough", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := directory.CheckPassword(tt.hash, tt.password); got != tt.want {
				t.Errorf("CheckPassword = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSetPasswordEndsSessions(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "lw@example.org", Role: directory.RoleLinkWorker}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	token, err := s.CreateSession(ctx, "lw@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, "lw@example.org", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionAccount(ctx, token); !errors.Is(err, directory.ErrNoSession) {
		t.Errorf("session after password change: %v, want ErrNoSession", err)
	}
	if _, err := s.Authenticate(ctx, "lw@example.org", "a brand new password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "lw@example.org", "correct horse battery"); err == nil {
		t.Error("old password still works")
	}
}
