package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.etcd.io/bbolt"
)

// A link worker adds activities to one list at a time during a
// conversation: their current list, chosen once and then used by every
// "Add to list" button. It is kept per account, so it follows them from
// the search to the matcher and across sign-ins.

// Keys in bucketLinkWorkers: "current/<email>" holds the id of the
// account's current list, "profile/<email>" its profile.
func currentListKey(email string) []byte { return []byte("current/" + email) }

// CurrentList returns the id of the link worker's current list, or "" when
// none is chosen or the list is gone (deleted, or no longer shared with
// their team).
func (s *Store) CurrentList(ctx context.Context, owner Owner) (string, error) {
	if owner.account == "" {
		return "", nil
	}
	var id string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketLinkWorkers).Get(currentListKey(owner.account))
		if raw == nil {
			return nil
		}
		_, err := ownedShortlist(tx, owner, string(raw))
		switch {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		id = string(raw)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("current list of %s: %w", owner.account, err)
	}
	return id, nil
}

// SetCurrentList makes one of the lists owner may work on their current
// list. A list they cannot reach is not found.
func (s *Store) SetCurrentList(ctx context.Context, owner Owner, id string) error {
	if owner.account == "" {
		return fmt.Errorf("set current list: only a signed-in link worker has one: %w", ErrForbidden)
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketLinkWorkers).Put(currentListKey(owner.account), []byte(id))
	})
	if err != nil {
		return fmt.Errorf("set current list of %s: %w", owner.account, err)
	}
	return nil
}

// Profile is what a link worker chooses to tell the people they make lists
// for: shown on the shared copy, its printout and its text, so a person
// knows whom to call. Every field is optional and nothing shows until the
// link worker fills it in.
type Profile struct {
	DisplayName string `json:"display_name,omitempty"`
	// JobTitle is their role: "Social prescribing link worker".
	JobTitle     string `json:"job_title,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	// Phone and Email are for work, never personal.
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Empty reports whether the profile says nothing.
func (p Profile) Empty() bool { return p == Profile{} }

// Limits on a profile's fields.
const (
	maxProfileField = 100
	maxProfilePhone = 25
)

var phoneRE = regexp.MustCompile(`^\+?[0-9 ()-]{6,}$`)

// Validate reports what is wrong with a profile, by form field.
func (p Profile) Validate() Problems {
	var ch checker
	for _, f := range []struct{ path, v string }{
		{"display_name", p.DisplayName}, {"job_title", p.JobTitle}, {"organisation", p.Organisation},
	} {
		if utf8.RuneCountInString(f.v) > maxProfileField {
			ch.errorf(f.path, "Keep this under %d characters.", maxProfileField)
		}
	}
	if p.Phone != "" && (len(p.Phone) > maxProfilePhone || !phoneRE.MatchString(p.Phone)) {
		ch.errorf("phone", "Give a phone number in digits, like 0151 496 0000, or leave it empty.")
	}
	if p.Email != "" {
		if addr, err := mail.ParseAddress(p.Email); err != nil || addr.Address != p.Email || len(p.Email) > 254 {
			ch.errorf("email", "Give an e-mail address, like name@nhs.net, or leave it empty.")
		}
	}
	return ch.problems
}

func (p Profile) trimmed() Profile {
	t := strings.TrimSpace
	return Profile{DisplayName: t(p.DisplayName), JobTitle: t(p.JobTitle), Organisation: t(p.Organisation), Phone: t(p.Phone), Email: t(p.Email)}
}

func profileKey(email string) []byte { return []byte("profile/" + email) }

// Profile returns a link worker's profile; an empty one when they have not
// written one.
func (s *Store) Profile(ctx context.Context, email string) (Profile, error) {
	var p Profile
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getProfile(tx, email)
		return err
	})
	return p, err
}

func getProfile(tx *bbolt.Tx, email string) (Profile, error) {
	var p Profile
	raw := tx.Bucket(bucketLinkWorkers).Get(profileKey(NormalizeEmail(email)))
	if raw == nil {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("profile of %s: decode: %w", email, err)
	}
	return p, nil
}

// SetProfile replaces a link worker's profile. Only link workers have one.
func (s *Store) SetProfile(ctx context.Context, email string, p Profile) (Profile, error) {
	p = p.trimmed()
	if errs := p.Validate(); len(errs) > 0 {
		return p, &ValidationError{ID: email, Problems: errs}
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		a, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		if a.Role != RoleLinkWorker {
			return nil, fmt.Errorf("profile of %s: only link workers have one: %w", a.Email, ErrForbidden)
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encode profile: %w", err)
		}
		return nil, tx.Bucket(bucketLinkWorkers).Put(profileKey(a.Email), raw)
	})
	if err != nil {
		return p, fmt.Errorf("set profile of %s: %w", email, err)
	}
	return p, nil
}

// ListMaker is who a shared list says made it: the owner's profile, or,
// when the owner has left (their account disabled) and the list belongs
// to their team, the team.
type ListMaker struct {
	Profile Profile
	// Team names the team that now looks after the list, when its maker
	// has left.
	Team string
}

// MakerOf says who made sl, for its shared copy. A My list has no maker.
func (s *Store) MakerOf(ctx context.Context, sl *Shortlist) (ListMaker, error) {
	var m ListMaker
	if sl.IsMyList() {
		return m, nil
	}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		a, err := getAccount(tx, sl.Owner)
		if errors.Is(err, ErrNotFound) {
			a, err = &Account{Email: sl.Owner, Disabled: true}, nil
		}
		if err != nil {
			return err
		}
		if a.Disabled {
			// The maker has left: a team list is the team's now.
			if sl.Team != "" {
				t, err := getTeam(tx, sl.Team)
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
				if t != nil {
					m.Team = t.Name
				}
			}
			return nil
		}
		m.Profile, err = getProfile(tx, a.Email)
		return err
	})
	if err != nil {
		return m, fmt.Errorf("maker of shortlist %s: %w", sl.ID, err)
	}
	return m, nil
}
