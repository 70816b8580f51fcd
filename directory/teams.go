package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"go.etcd.io/bbolt"
)

// A team is a GP practice or a primary care network whose link workers
// share lists: a list its owner shares with the team can be opened,
// changed and continued by every member. Admins make teams and say who is
// in them; a link worker is in one team at most. When a member leaves
// (their account is disabled), the lists they shared stay with the team.

// TeamKind is what sort of team it is.
type TeamKind string

// The kinds of team.
const (
	TeamPractice TeamKind = "practice"
	TeamPCN      TeamKind = "pcn"
)

// Label is the kind in plain English.
func (k TeamKind) Label() string {
	if k == TeamPCN {
		return "Primary care network"
	}
	return "GP practice"
}

// Team is a practice or network and the link workers in it.
type Team struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Kind    TeamKind  `json:"kind"`
	Members []string  `json:"members"`
	Created time.Time `json:"created"`
}

// Keys in bucketTeams: each team under "team/<id>", and each member's
// team id under "member/<email>".
func teamKey(id string) []byte          { return []byte("team/" + id) }
func teamMemberKey(email string) []byte { return []byte("member/" + email) }

// Keys in bucketShortlists: the lists shared with a team, under
// "teamlist/<team id>\x00<list id>".
func teamListKey(team, id string) []byte { return []byte("teamlist/" + team + "\x00" + id) }
func teamListPrefix(team string) []byte  { return []byte("teamlist/" + team + "\x00") }

// CreateTeam makes a team with no members.
func (s *Store) CreateTeam(ctx context.Context, name string, kind TeamKind) (Team, error) {
	name = strings.TrimSpace(name)
	var ch checker
	switch {
	case name == "":
		ch.errorf("name", "Give the team a name, like the practice's or the network's.")
	case utf8.RuneCountInString(name) > 100:
		ch.errorf("name", "Keep the name under 100 characters.")
	}
	if kind != TeamPractice && kind != TeamPCN {
		ch.errorf("kind", "Choose a GP practice or a primary care network.")
	}
	if len(ch.problems) > 0 {
		return Team{}, &ValidationError{Problems: ch.problems}
	}
	t := Team{ID: uuid.NewString(), Name: name, Kind: kind, Members: []string{}, Created: s.now().UTC()}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) { return nil, putTeam(tx, &t) })
	if err != nil {
		return Team{}, fmt.Errorf("create team: %w", err)
	}
	return t, nil
}

// Teams returns every team, by name.
func (s *Store) Teams(ctx context.Context) ([]Team, error) {
	var out []Team
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketTeams).Cursor()
		prefix := []byte("team/")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var t Team
			if err := json.Unmarshal(v, &t); err != nil {
				return fmt.Errorf("team %s: decode: %w", k, err)
			}
			out = append(out, t)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Team) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, err
}

// TeamOf returns the team a link worker is in, or nil.
func (s *Store) TeamOf(ctx context.Context, email string) (*Team, error) {
	var t *Team
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := memberTeam(tx, NormalizeEmail(email))
		if id == "" {
			return nil
		}
		var err error
		t, err = getTeam(tx, id)
		return err
	})
	return t, err
}

// AddTeamMember puts a link worker in a team. One in another team already
// is refused (ErrConflict): take them out of it first.
func (s *Store) AddTeamMember(ctx context.Context, teamID, email string) error {
	email = NormalizeEmail(email)
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		t, err := getTeam(tx, teamID)
		if err != nil {
			return nil, err
		}
		a, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		if a.Role != RoleLinkWorker {
			return nil, &ValidationError{ID: email, Problems: Problems{{Path: "email", Message: "Only link workers belong to teams."}}}
		}
		switch in := memberTeam(tx, email); {
		case in == teamID:
			return nil, nil
		case in != "":
			other, err := getTeam(tx, in)
			if err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%s is in the team %s already; take them out of it first: %w", email, other.Name, ErrConflict)
		}
		t.Members = append(t.Members, email)
		slices.Sort(t.Members)
		if err := tx.Bucket(bucketTeams).Put(teamMemberKey(email), []byte(teamID)); err != nil {
			return nil, err
		}
		return nil, putTeam(tx, t)
	})
	if err != nil {
		return fmt.Errorf("add to team %s: %w", teamID, err)
	}
	return nil
}

// RemoveTeamMember takes a link worker out of a team. The lists they
// shared with it stay with it.
func (s *Store) RemoveTeamMember(ctx context.Context, teamID, email string) error {
	email = NormalizeEmail(email)
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		t, err := getTeam(tx, teamID)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(t.Members, email) {
			return nil, fmt.Errorf("member %s: %w", email, ErrNotFound)
		}
		t.Members = slices.DeleteFunc(t.Members, func(m string) bool { return m == email })
		if err := tx.Bucket(bucketTeams).Delete(teamMemberKey(email)); err != nil {
			return nil, err
		}
		return nil, putTeam(tx, t)
	})
	if err != nil {
		return fmt.Errorf("remove from team %s: %w", teamID, err)
	}
	return nil
}

// ShareWithTeam shares one of owner's own lists with their team, or stops
// sharing it. Only the list's owner may, or, once the owner has left, a
// member of the team.
func (s *Store) ShareWithTeam(ctx context.Context, owner Owner, id string, share bool) (*Shortlist, error) {
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		if sl.IsMyList() {
			return fmt.Errorf("share my list with a team: %w", ErrForbidden)
		}
		if sl.Owner != owner.account && !ownerLeft(tx, sl) {
			return fmt.Errorf("only the list's owner shares it with the team: %w", ErrForbidden)
		}
		b := tx.Bucket(bucketShortlists)
		if !share {
			if sl.Team != "" {
				if err := b.Delete(teamListKey(sl.Team, sl.ID)); err != nil {
					return err
				}
			}
			sl.Team = ""
			return nil
		}
		team := memberTeam(tx, owner.account)
		if team == "" {
			return fmt.Errorf("you are in no team yet; ask an admin: %w", ErrForbidden)
		}
		sl.Team = team
		return b.Put(teamListKey(team, sl.ID), nil)
	})
}

// TeamShortlists returns the lists colleagues have shared with owner's
// team, most recently changed first; owner's own are not among them.
func (s *Store) TeamShortlists(ctx context.Context, owner Owner) ([]*Shortlist, error) {
	if owner.account == "" {
		return nil, nil
	}
	var out []*Shortlist
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		team := memberTeam(tx, owner.account)
		if team == "" {
			return nil
		}
		c := tx.Bucket(bucketShortlists).Cursor()
		prefix := teamListPrefix(team)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			sl, err := getShortlist(tx, string(k[len(prefix):]))
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if sl.Owner != owner.account && sl.Team == team {
				out = append(out, sl)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("team lists of %s: %w", owner.account, err)
	}
	slices.SortStableFunc(out, func(a, b *Shortlist) int { return b.Updated.Compare(a.Updated) })
	return out, nil
}

// memberTeam is the id of the team email is in, or "".
func memberTeam(tx *bbolt.Tx, email string) string {
	return string(tx.Bucket(bucketTeams).Get(teamMemberKey(email)))
}

// ownerLeft reports whether a team list's owner has left: their account
// is disabled or gone.
func ownerLeft(tx *bbolt.Tx, sl *Shortlist) bool {
	if sl.Team == "" {
		return false
	}
	a, err := getAccount(tx, sl.Owner)
	return err != nil || a.Disabled
}

func getTeam(tx *bbolt.Tx, id string) (*Team, error) {
	raw := tx.Bucket(bucketTeams).Get(teamKey(id))
	if raw == nil {
		return nil, fmt.Errorf("team %s: %w", id, ErrNotFound)
	}
	var t Team
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("team %s: decode: %w", id, err)
	}
	return &t, nil
}

func putTeam(tx *bbolt.Tx, t *Team) error {
	raw, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode team %s: %w", t.ID, err)
	}
	return tx.Bucket(bucketTeams).Put(teamKey(t.ID), raw)
}
