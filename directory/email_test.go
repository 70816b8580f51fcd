package directory_test

import (
	"context"
	"strings"
	"testing"

	"signpost/directory"
)

func TestAccountEmailScripts(t *testing.T) {
	tests := []struct {
		name, email string
		wantErr     string // "" when the address is accepted
	}{
		{"plain", "jo.smith+news@sub-domain.example.org", ""},
		{"digits", "jo2@123.example", ""},
		{"Latin with accents", "josé@bücher.de", ""},
		{"wholly Cyrillic domain", "jo@пример.рф", ""},
		{"Han with Latin, as Japanese is written", "jo@日本語jp.com", ""},
		{"Cyrillic а in a Latin domain", "jo@exаmple.org", `mixes Latin and Cyrillic letters in "exаmple" (the "а", U+0430, is Cyrillic)`},
		{"the same, in punycode", "jo@xn--exmple-4nf.org", `mixes Latin and Cyrillic letters in "exаmple"`},
		{"Greek α in a Latin domain", "jo@exαmple.org", "mixes Latin and Greek letters"},
		{"Cyrillic о in the local part", "jо@example.org", `mixes Latin and Cyrillic letters in "jо"`},
		{"Cyrillic in the top-level domain", "jo@example.оrg", "mixes Latin and Cyrillic"},
		{"underscore in the domain", "jo@ex_ample.org", `"ex_ample.org" is not a valid domain name`},
		{"hyphen at the start of a label", "jo@-example.org", "is not a valid domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := directory.Account{Email: tt.email, Role: directory.RoleAdmin}
			errs := a.Validate().Errors()
			if tt.wantErr == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Path != "email" || !strings.Contains(errs[0].Message, tt.wantErr) {
				t.Fatalf("problems %v, want one on email mentioning %q", errs, tt.wantErr)
			}
		})
	}
}

func TestAddAccountRefusesAMixedScriptAddress(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if _, err := s.AddAccount(ctx, directory.Account{Email: "admin@example.org", Role: directory.RoleAdmin}, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	_, err := s.AddAccount(ctx, directory.Account{Email: "admin@exаmple.org", Role: directory.RoleAdmin}, "correct horse battery")
	if err == nil || !strings.Contains(err.Error(), "mixes Latin and Cyrillic") {
		t.Fatalf("err = %v, want the look-alike address refused", err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts %v, %v; want only the real one", accts, err)
	}
}

func TestNormalizeEmailComposes(t *testing.T) {
	composed, decomposed := "jos\u00e9@example.org", "jose\u0301@Example.org"
	if got := directory.NormalizeEmail(decomposed); got != composed {
		t.Errorf("NormalizeEmail(%q) = %q, want %q", decomposed, got, composed)
	}
}
