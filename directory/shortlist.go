package directory

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
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

// A Shortlist is a short list of activities chosen for one person: a link
// worker's, made after a "what matters to you" conversation, or a member of
// the public's own "My list". It holds no personal data: the person is
// named only by a pseudonymous Reference that refuses identifiers, and a My
// list is known only by the hash of a random token kept in a cookie.
type Shortlist struct {
	ID string `json:"id"`
	// Owner is the link worker's account e-mail; empty for a My list.
	Owner string `json:"owner,omitempty"`
	// OwnerToken is the hex SHA-256 of a My list's cookie token; the token
	// itself is never stored.
	OwnerToken string `json:"owner_token,omitempty"`
	Reference  string `json:"reference"`
	// Place is where the person lives, as a postcode district at most
	// ("L20"; see PostcodeDistrict), or empty.
	Place string `json:"place,omitempty"`
	// Team is the id of the owner's team when the list is shared with it:
	// every member may then open and change it.
	Team string `json:"team,omitempty"`
	// History says who changed what, oldest first, for lists kept by
	// link workers (see record).
	History []ListChange `json:"history,omitempty"`
	Items   []Item       `json:"items"`
	Created time.Time    `json:"created"`
	Updated time.Time    `json:"updated"`
	// Opened is when a My list's holder last opened it, to within a day
	// (see touchMyList); lists not opened for MyListLife are removed.
	Opened time.Time `json:"opened,omitzero"`
}

// Item is one activity on a shortlist, in the list's order.
type Item struct {
	ServiceID string `json:"service_id"`
	Note      string `json:"note,omitempty"`
	// NoteShared shows the note on the share link, print and text views;
	// a private note is for the list's owner only.
	NoteShared bool      `json:"note_shared,omitempty"`
	AddedAt    time.Time `json:"added_at"`
}

// IsMyList reports whether the list is an individual's own, kept without
// an account.
func (sl *Shortlist) IsMyList() bool { return sl.Owner == "" }

// Item returns the item for a service, if the list has it.
func (sl *Shortlist) Item(serviceID string) (Item, bool) {
	i := sl.index(serviceID)
	if i < 0 {
		return Item{}, false
	}
	return sl.Items[i], true
}

// Has reports whether the service is on the list.
func (sl *Shortlist) Has(serviceID string) bool { return sl.index(serviceID) >= 0 }

func (sl *Shortlist) index(serviceID string) int {
	return slices.IndexFunc(sl.Items, func(it Item) bool { return it.ServiceID == serviceID })
}

// Limits on shortlists. A shortlist is meant to be short and printable on
// one page; the caps also bound what an anonymous visitor can store.
const (
	MaxReferenceLen     = 80
	MaxNoteLen          = 500
	MaxShortlistItems   = 30
	MaxShortlistsPerOwn = 500
	// MyListReference is the reference every My list carries.
	MyListReference = "My list"
)

// referenceExample is shown when a reference is missing, so a person sees
// what to write.
const referenceExample = "Mrs K, Tuesday"

// ValidateReference reports what is wrong with a shortlist reference, with
// the plain reason a form shows under the "reference" field.
func ValidateReference(ref string) Problems {
	var ch checker
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		ch.errorf("reference", "Give the list a reference you will recognise, like '%s'.", referenceExample)
	case utf8.RuneCountInString(ref) > MaxReferenceLen:
		ch.errorf("reference", "Keep the reference under %d characters.", MaxReferenceLen)
	default:
		ch.problems = append(ch.problems, IdentifierProblems("reference", ref, ReferenceText)...)
	}
	return ch.problems
}

// ValidateNote reports what is wrong with an item's note. An empty note is
// fine.
func ValidateNote(note string) Problems {
	var ch checker
	note = strings.TrimSpace(note)
	switch {
	case utf8.RuneCountInString(note) > MaxNoteLen:
		ch.errorf("note", "Keep the note under %d characters.", MaxNoteLen)
	default:
		ch.problems = append(ch.problems, IdentifierProblems("note", note, NoteText)...)
	}
	return ch.problems
}

// Owner is who may see and change a shortlist: a link worker's account or
// the holder of a My list token. Anyone else is told the list does not
// exist, so lists cannot be probed for.
type Owner struct {
	account   string
	tokenHash string
}

// AccountOwner is the link worker signed in as email.
func AccountOwner(email string) Owner { return Owner{account: email} }

// TokenOwner is whoever holds a My list token (from their cookie).
func TokenOwner(token string) Owner { return Owner{tokenHash: HashToken(token)} }

// valid reports whether the owner names someone; a zero Owner owns nothing.
func (o Owner) valid() bool { return o.account != "" || o.tokenHash != "" }

func (o Owner) owns(sl *Shortlist) bool {
	if o.account != "" {
		return sl.Owner == o.account
	}
	return o.tokenHash != "" && sl.Owner == "" &&
		subtle.ConstantTimeCompare([]byte(sl.OwnerToken), []byte(o.tokenHash)) == 1
}

// NewToken returns a fresh random token for a share link or a My list
// cookie: 192 random bits, URL-safe.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is what the store keeps instead of a token. The tokens carry
// enough randomness that a plain SHA-256 cannot be reversed by guessing.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Keys in bucketShortlists: the list itself under "list/<id>", an index of
// each account's lists under "owner/<email>\x00<id>", and each My list's
// token hash under "token/<hash>" pointing at its id.
func shortlistKey(id string) []byte { return []byte("list/" + id) }
func ownerKey(email, id string) []byte {
	return []byte("owner/" + email + "\x00" + id)
}
func ownerPrefix(email string) []byte { return []byte("owner/" + email + "\x00") }
func myListKey(hash string) []byte    { return []byte("token/" + hash) }

// CreateShortlist starts an empty shortlist for a link worker.
func (s *Store) CreateShortlist(ctx context.Context, owner Owner, reference string) (*Shortlist, error) {
	if owner.account == "" {
		return nil, fmt.Errorf("create shortlist: only a signed-in link worker can: %w", ErrForbidden)
	}
	reference = strings.TrimSpace(reference)
	if errs := ValidateReference(reference); len(errs) > 0 {
		return nil, &ValidationError{Problems: errs}
	}
	now := s.now().UTC()
	sl := &Shortlist{ID: uuid.NewString(), Owner: owner.account, Reference: reference, Items: []Item{}, Created: now, Updated: now}
	sl.record(owner.account, now, ChangeCreated)
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		b := tx.Bucket(bucketShortlists)
		n := 0
		c := b.Cursor()
		prefix := ownerPrefix(owner.account)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
		if n >= MaxShortlistsPerOwn {
			return nil, &ValidationError{Problems: Problems{{Path: "reference", Message: fmt.Sprintf("You have %d lists, the most Signpost keeps; delete some you no longer need.", n)}}}
		}
		if err := b.Put(ownerKey(owner.account, sl.ID), nil); err != nil {
			return nil, err
		}
		return nil, putShortlist(tx, sl)
	})
	if err != nil {
		return nil, fmt.Errorf("create shortlist: %w", err)
	}
	return sl, nil
}

// MyList returns the My list of the holder of token, creating an empty one
// on first use. Nothing about the holder is stored.
func (s *Store) MyList(ctx context.Context, token string) (*Shortlist, error) {
	if token == "" {
		return nil, fmt.Errorf("my list: no token: %w", ErrNotFound)
	}
	hash := HashToken(token)
	var sl *Shortlist
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		b := tx.Bucket(bucketShortlists)
		now := s.now().UTC()
		if id := b.Get(myListKey(hash)); id != nil {
			var err error
			if sl, err = getShortlist(tx, string(id)); err != nil {
				return nil, err
			}
			return nil, touchMyList(tx, sl, now)
		}
		sl = &Shortlist{ID: uuid.NewString(), OwnerToken: hash, Reference: MyListReference, Items: []Item{}, Created: now, Updated: now, Opened: now}
		if err := b.Put(myListKey(hash), []byte(sl.ID)); err != nil {
			return nil, err
		}
		return nil, putShortlist(tx, sl)
	})
	if err != nil {
		return nil, fmt.Errorf("my list: %w", err)
	}
	return sl, nil
}

// FindMyList returns the My list of the holder of token without creating
// one; it wraps ErrNotFound when there is none. Finding the list counts as
// opening it.
func (s *Store) FindMyList(ctx context.Context, token string) (*Shortlist, error) {
	find := func(tx *bbolt.Tx) (*Shortlist, error) {
		id := tx.Bucket(bucketShortlists).Get(myListKey(HashToken(token)))
		if token == "" || id == nil {
			return nil, fmt.Errorf("my list: %w", ErrNotFound)
		}
		return getShortlist(tx, string(id))
	}
	var sl *Shortlist
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		sl, err = find(tx)
		return err
	})
	if err != nil || !openedLongAgo(sl, s.now()) {
		return sl, err
	}
	// Most views write nothing: the date is kept only to the day.
	err = s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		var err error
		if sl, err = find(tx); err != nil {
			return nil, err
		}
		return nil, touchMyList(tx, sl, s.now().UTC())
	})
	if err != nil {
		return nil, fmt.Errorf("my list: %w", err)
	}
	return sl, nil
}

// Shortlist returns one of owner's shortlists. A list that exists but is
// someone else's is reported as not found, exactly like one that does not
// exist.
func (s *Store) Shortlist(ctx context.Context, owner Owner, id string) (*Shortlist, error) {
	var sl *Shortlist
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		sl, err = ownedShortlist(tx, owner, id)
		return err
	})
	return sl, err
}

// Shortlists returns a link worker's lists, most recently changed first.
func (s *Store) Shortlists(ctx context.Context, owner Owner) ([]*Shortlist, error) {
	if owner.account == "" {
		return nil, nil
	}
	var out []*Shortlist
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketShortlists).Cursor()
		prefix := ownerPrefix(owner.account)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			sl, err := getShortlist(tx, string(k[len(prefix):]))
			if errors.Is(err, ErrNotFound) {
				continue // an index entry outliving its list is harmless
			}
			if err != nil {
				return err
			}
			out = append(out, sl)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("shortlists of %s: %w", owner.account, err)
	}
	slices.SortStableFunc(out, func(a, b *Shortlist) int { return b.Updated.Compare(a.Updated) })
	return out, nil
}

// RenameShortlist changes a link worker's reference for a list.
func (s *Store) RenameShortlist(ctx context.Context, owner Owner, id, reference string) (*Shortlist, error) {
	reference = strings.TrimSpace(reference)
	if errs := ValidateReference(reference); len(errs) > 0 {
		return nil, &ValidationError{ID: id, Problems: errs}
	}
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		if sl.IsMyList() {
			return fmt.Errorf("rename my list: %w", ErrForbidden)
		}
		sl.Reference = reference
		return nil
	})
}

// DeleteShortlist removes a list and every share link to it, so a link
// already handed out stops working at once.
func (s *Store) DeleteShortlist(ctx context.Context, owner Owner, id string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		sl, err := ownedShortlist(tx, owner, id)
		if err != nil {
			return nil, err
		}
		// Colleagues continue a team list; deleting it is its owner's
		// call, or the team's once the owner has left.
		if owner.account != "" && sl.Owner != owner.account && !ownerLeft(tx, sl) {
			return nil, fmt.Errorf("only the list's owner deletes it: %w", ErrForbidden)
		}
		return nil, deleteShortlist(tx, sl)
	})
	if err != nil {
		return fmt.Errorf("delete shortlist %s: %w", id, err)
	}
	return nil
}

// deleteShortlist removes sl with its index entries and share links.
func deleteShortlist(tx *bbolt.Tx, sl *Shortlist) error {
	if err := deleteSharesOf(tx, sl.ID); err != nil {
		return err
	}
	if err := deleteOutcomesOf(tx, sl.ID); err != nil {
		return err
	}
	b := tx.Bucket(bucketShortlists)
	if sl.Team != "" {
		if err := b.Delete(teamListKey(sl.Team, sl.ID)); err != nil {
			return err
		}
	}
	if sl.Owner != "" {
		if err := b.Delete(ownerKey(sl.Owner, sl.ID)); err != nil {
			return err
		}
	}
	if sl.OwnerToken != "" {
		if err := b.Delete(myListKey(sl.OwnerToken)); err != nil {
			return err
		}
	}
	return b.Delete(shortlistKey(sl.ID))
}

// AddItem puts a published service at the end of a list. Adding one that is
// already there changes nothing.
func (s *Store) AddItem(ctx context.Context, owner Owner, id, serviceID string) (*Shortlist, error) {
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		if sl.Has(serviceID) {
			return nil
		}
		if tx.Bucket(bucketServices).Get([]byte(serviceID)) == nil {
			return fmt.Errorf("service %s: %w", serviceID, ErrNotFound)
		}
		if len(sl.Items) >= MaxShortlistItems {
			return &ValidationError{ID: id, Problems: Problems{{Path: "service_id", Message: fmt.Sprintf("A list holds at most %d activities; remove one first.", MaxShortlistItems)}}}
		}
		sl.Items = append(sl.Items, Item{ServiceID: serviceID, AddedAt: s.now().UTC()})
		return nil
	})
}

// NoteVisibility says who reads an item's note.
type NoteVisibility int

// The note visibilities.
const (
	// NotePrivate is for the list's owner only.
	NotePrivate NoteVisibility = iota
	// NoteShared shows on the share link, print and text views too.
	NoteShared
)

// ItemNote is what the owner writes on one item of a list.
type ItemNote struct {
	Text       string
	Visibility NoteVisibility
}

// SetItemNote sets the note on the item for serviceID and who reads it.
func (s *Store) SetItemNote(ctx context.Context, owner Owner, id, serviceID string, n ItemNote) (*Shortlist, error) {
	note := strings.TrimSpace(n.Text)
	if errs := ValidateNote(note); len(errs) > 0 {
		return nil, &ValidationError{ID: serviceID, Problems: errs}
	}
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		i := sl.index(serviceID)
		if i < 0 {
			return fmt.Errorf("item %s: %w", serviceID, ErrNotFound)
		}
		sl.Items[i].Note = note
		sl.Items[i].NoteShared = n.Visibility == NoteShared
		return nil
	})
}

// MoveItem moves an item one place up (towards the top, delta -1) or down
// (delta +1). Moving the first item up or the last down changes nothing.
func (s *Store) MoveItem(ctx context.Context, owner Owner, id, serviceID string, delta int) (*Shortlist, error) {
	if delta != -1 && delta != 1 {
		return nil, fmt.Errorf("move item by %d: only one place up or down: %w", delta, ErrConflict)
	}
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		i := sl.index(serviceID)
		if i < 0 {
			return fmt.Errorf("item %s: %w", serviceID, ErrNotFound)
		}
		if j := i + delta; j >= 0 && j < len(sl.Items) {
			sl.Items[i], sl.Items[j] = sl.Items[j], sl.Items[i]
		}
		return nil
	})
}

// RemoveItem takes a service off a list. Removing one that is not there
// changes nothing.
func (s *Store) RemoveItem(ctx context.Context, owner Owner, id, serviceID string) (*Shortlist, error) {
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		sl.Items = slices.DeleteFunc(sl.Items, func(it Item) bool { return it.ServiceID == serviceID })
		return nil
	})
}

// changeShortlist loads owner's list, lets change edit it and writes it back
// with a new Updated time, all in one transaction.
func (s *Store) changeShortlist(ctx context.Context, owner Owner, id string, change func(*bbolt.Tx, *Shortlist) error) (*Shortlist, error) {
	var sl *Shortlist
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		var err error
		if sl, err = ownedShortlist(tx, owner, id); err != nil {
			return nil, err
		}
		before := *sl
		before.Items = slices.Clone(sl.Items)
		if err := change(tx, sl); err != nil {
			return nil, err
		}
		sl.Updated = s.now().UTC()
		for _, what := range changesBetween(&before, sl) {
			sl.record(owner.account, sl.Updated, what)
		}
		return nil, putShortlist(tx, sl)
	})
	if err != nil {
		return nil, fmt.Errorf("shortlist %s: %w", id, err)
	}
	return sl, nil
}

func ownedShortlist(tx *bbolt.Tx, owner Owner, id string) (*Shortlist, error) {
	if !owner.valid() {
		return nil, fmt.Errorf("shortlist %s: %w", id, ErrNotFound)
	}
	sl, err := getShortlist(tx, id)
	if err != nil {
		return nil, err
	}
	// A list shared with a team is its members' too, while they are in it.
	inTeam := owner.account != "" && sl.Team != "" && memberTeam(tx, owner.account) == sl.Team
	if !owner.owns(sl) && !inTeam {
		return nil, fmt.Errorf("shortlist %s: %w", id, ErrNotFound)
	}
	return sl, nil
}

func getShortlist(tx *bbolt.Tx, id string) (*Shortlist, error) {
	raw := tx.Bucket(bucketShortlists).Get(shortlistKey(id))
	if raw == nil {
		return nil, fmt.Errorf("shortlist %s: %w", id, ErrNotFound)
	}
	var sl Shortlist
	if err := json.Unmarshal(raw, &sl); err != nil {
		return nil, fmt.Errorf("shortlist %s: decode: %w", id, err)
	}
	if sl.Items == nil {
		sl.Items = []Item{}
	}
	return &sl, nil
}

func putShortlist(tx *bbolt.Tx, sl *Shortlist) error {
	raw, err := json.Marshal(sl)
	if err != nil {
		return fmt.Errorf("encode shortlist %s: %w", sl.ID, err)
	}
	return tx.Bucket(bucketShortlists).Put(shortlistKey(sl.ID), raw)
}

// ListEdit is everything a list's page saves in one go: the reference,
// every note and the order, so that nothing typed in one box is lost by
// saving another.
type ListEdit struct {
	// Reference is the new reference; nil leaves it (a My list has none).
	Reference *string
	// Place is the person's postcode district; a full postcode is cut to
	// its district. Nil leaves it; an empty string clears it.
	Place *string
	// Notes are the items' notes by service id; an item not named keeps
	// its note.
	Notes map[string]ItemNote
	// Order, when set, is the items' service ids in their new order. Ids
	// not on the list are ignored; items it leaves out follow, in their
	// old order.
	Order []string
}

// NoteProblemPath is the Path of a problem with the note of the item for
// serviceID, in a ListEdit's ValidationError.
func NoteProblemPath(serviceID string) string { return "notes." + serviceID }

// SaveShortlist applies a ListEdit in one transaction. Every box is
// checked before anything is written: a ValidationError lists each refused
// one (the reference under "reference", a note under NoteProblemPath) and
// nothing is saved.
func (s *Store) SaveShortlist(ctx context.Context, owner Owner, id string, e ListEdit) (*Shortlist, error) {
	var problems Problems
	if e.Reference != nil {
		ref := strings.TrimSpace(*e.Reference)
		e.Reference = &ref
		problems = append(problems, ValidateReference(ref)...)
	}
	if e.Place != nil {
		d, probs := validatePlace(*e.Place)
		e.Place = &d
		problems = append(problems, probs...)
	}
	notes := make(map[string]ItemNote, len(e.Notes))
	for sid, n := range e.Notes {
		n.Text = strings.TrimSpace(n.Text)
		for _, p := range ValidateNote(n.Text) {
			p.Path = NoteProblemPath(sid)
			problems = append(problems, p)
		}
		notes[sid] = n
	}
	if len(problems) > 0 {
		// Map order is random; the summary lists problems in a fixed one.
		slices.SortStableFunc(problems, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
		return nil, &ValidationError{ID: id, Problems: problems}
	}
	return s.changeShortlist(ctx, owner, id, func(tx *bbolt.Tx, sl *Shortlist) error {
		if e.Reference != nil {
			if sl.IsMyList() {
				return fmt.Errorf("rename my list: %w", ErrForbidden)
			}
			sl.Reference = *e.Reference
		}
		if e.Place != nil {
			sl.Place = *e.Place
		}
		for i, it := range sl.Items {
			if n, ok := notes[it.ServiceID]; ok {
				sl.Items[i].Note = n.Text
				sl.Items[i].NoteShared = n.Visibility == NoteShared
			}
		}
		if e.Order != nil {
			sl.Items = reordered(sl.Items, e.Order)
		}
		return nil
	})
}

// reordered puts items in the order of ids, then any left out in their old
// order.
func reordered(items []Item, ids []string) []Item {
	rank := make(map[string]int, len(ids))
	for i, id := range ids {
		if _, dup := rank[id]; !dup {
			rank[id] = i
		}
	}
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b Item) int {
		ra, aok := rank[a.ServiceID]
		rb, bok := rank[b.ServiceID]
		switch {
		case aok && bok:
			return ra - rb
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	return out
}
