package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"go.etcd.io/bbolt"
)

// Correction is a member of the public telling the provider and the admins
// that a listing is wrong ("the group moved to Thursdays"). It needs no
// account, so it carries no personal data: only what was said and when.
type Correction struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id"`
	// Field is what the person says is wrong, one of CorrectionFields; empty
	// means they did not say.
	Field   string           `json:"field,omitempty"`
	Message string           `json:"message"`
	At      time.Time        `json:"at"`
	Status  CorrectionStatus `json:"status"`
	// StatusBy and StatusAt say who closed the correction (done or
	// dismissed) and when; they are empty while it is open.
	StatusBy string     `json:"status_by,omitempty"`
	StatusAt *time.Time `json:"status_at,omitempty"`
	// Note is the latest reply from whoever looks after the listing ("we
	// have moved to Thursdays, thank you"), with who wrote it and when.
	// The public sender is not told: they left no address.
	Note   string     `json:"note,omitempty"`
	NoteBy string     `json:"note_by,omitempty"`
	NoteAt *time.Time `json:"note_at,omitempty"`
}

// CorrectionStatus is what became of a correction.
type CorrectionStatus string

// Correction statuses: a new correction is open until a provider or an
// admin acts on it or sets it aside.
const (
	CorrectionOpen      CorrectionStatus = "open"
	CorrectionDone      CorrectionStatus = "done"
	CorrectionDismissed CorrectionStatus = "dismissed"
)

// Valid reports whether cs is one of the three statuses.
func (cs CorrectionStatus) Valid() bool {
	return cs == CorrectionOpen || cs == CorrectionDone || cs == CorrectionDismissed
}

// CorrectionUpdate is a change of one correction's status, or a note on
// it, by Actor.
type CorrectionUpdate struct {
	ServiceID string
	// ID is the correction's own id.
	ID string
	// Status is the new status; empty keeps the one it has.
	Status CorrectionStatus
	// Note, when not empty, replaces the correction's note.
	Note  string
	Actor string
}

// MaxCorrectionNoteLen caps a reply to a correction.
const MaxCorrectionNoteLen = 1000

// MaxCorrectionLen caps a correction's message: a few paragraphs is plenty,
// and the form is open to anyone.
const MaxCorrectionLen = 2000

// CorrectionField is one choice of "what is wrong?".
type CorrectionField struct {
	Code  string
	Label string
}

// CorrectionFields are the parts of a listing a person can say are wrong, in
// the order the form offers them.
var CorrectionFields = []CorrectionField{
	{"times", "Days or times"},
	{"place", "Where it happens"},
	{"contact", "Phone, email or website"},
	{"cost", "Cost"},
	{"capacity", "Whether it is taking new people"},
	{"closed", "It has stopped running"},
	{"other", "Something else"},
}

// Validate reports what is wrong with a correction as a person sent it,
// with paths named after the form fields.
func (c *Correction) Validate() Problems {
	var ch checker
	ch.required("service_id", c.ServiceID)
	if c.Field != "" && !slices.ContainsFunc(CorrectionFields, func(f CorrectionField) bool { return f.Code == c.Field }) {
		ch.errorf("field", "choose one of the listed parts of the listing")
	}
	switch msg := strings.TrimSpace(c.Message); {
	case msg == "":
		ch.errorf("message", "say what is wrong or what has changed")
	case utf8.RuneCountInString(msg) > MaxCorrectionLen:
		ch.errorf("message", "keep it under %d characters", MaxCorrectionLen)
	}
	return ch.problems
}

// AddCorrection validates and stores a correction of a published service,
// giving it an id, a time and the open status. It returns the stored
// correction, or an error wrapping ErrNotFound when the service does not
// exist. A correction changes no listing, so watchers are not told.
func (s *Store) AddCorrection(ctx context.Context, c Correction) (Correction, error) {
	c.Message = strings.TrimSpace(c.Message)
	if errs := c.Validate().Errors(); len(errs) > 0 {
		return Correction{}, &ValidationError{ID: c.ServiceID, Problems: errs}
	}
	c.ID = uuid.NewString()
	c.At = s.now().UTC()
	c.Status = CorrectionOpen
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		svc, err := getService(tx, c.ServiceID)
		if err != nil {
			return nil, fmt.Errorf("correction of service %s: %w", c.ServiceID, err)
		}
		if err := s.noticeOfCorrection(tx, svc, &c); err != nil {
			return nil, err
		}
		b := tx.Bucket(bucketCorrections)
		seq, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encode correction: %w", err)
		}
		// Keys are service id, a slash, then the big-endian sequence, so one
		// service's corrections are one prefix scan, oldest first.
		return nil, b.Put(correctionKey(c.ServiceID, seq), raw)
	})
	if err != nil {
		return Correction{}, err
	}
	return c, nil
}

func correctionKey(serviceID string, seq uint64) []byte {
	return append([]byte(serviceID+"/"), be(seq)...)
}

// Corrections returns the corrections of one service, or of every service
// when serviceID is empty, oldest first.
func (s *Store) Corrections(ctx context.Context, serviceID string) ([]Correction, error) {
	var out []Correction
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketCorrections).Cursor()
		var prefix []byte
		if serviceID != "" {
			prefix = []byte(serviceID + "/")
		}
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var corr Correction
			if err := json.Unmarshal(v, &corr); err != nil {
				return fmt.Errorf("correction %q: decode: %w", k, err)
			}
			out = append(out, corr)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if serviceID == "" {
		// Across services the keys sort by service first; people read
		// corrections in the order they arrived.
		slices.SortStableFunc(out, func(a, b Correction) int { return a.At.Compare(b.At) })
	}
	return out, nil
}

// SetCorrectionStatus records what became of one of a service's
// corrections: done (acted on), dismissed (set aside) or open again. It
// returns the stored correction, an error wrapping ErrNotFound when the
// service has no correction u.ID, or a *ValidationError for a status that
// is not one of the three. Like AddCorrection it changes no listing, so
// watchers are not told.
func (s *Store) SetCorrectionStatus(ctx context.Context, u CorrectionUpdate) (Correction, error) {
	serviceID, id, status := u.ServiceID, u.ID, u.Status
	note := strings.TrimSpace(u.Note)
	if status != "" && !status.Valid() {
		return Correction{}, &ValidationError{ID: id, Problems: Problems{{Path: "status",
			Message: fmt.Sprintf("a correction is %s, %s or %s, not %q", CorrectionOpen, CorrectionDone, CorrectionDismissed, status)}}}
	}
	if utf8.RuneCountInString(note) > MaxCorrectionNoteLen {
		return Correction{}, &ValidationError{ID: id, Problems: Problems{{Path: "note",
			Message: fmt.Sprintf("keep it under %d characters", MaxCorrectionNoteLen)}}}
	}
	if status == "" && note == "" {
		return Correction{}, &ValidationError{ID: id, Problems: Problems{{Path: "note", Message: "write a note, or mark it as done"}}}
	}
	var out Correction
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		// An empty service id would make the prefix "/", which no key has;
		// refuse it plainly instead.
		if serviceID == "" || id == "" {
			return nil, ErrNotFound
		}
		b := tx.Bucket(bucketCorrections)
		prefix := []byte(serviceID + "/")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var corr Correction
			if err := json.Unmarshal(v, &corr); err != nil {
				return nil, fmt.Errorf("correction %q: decode: %w", k, err)
			}
			if corr.ID != id {
				continue
			}
			at := s.now().UTC()
			if status != "" {
				corr.Status, corr.StatusBy, corr.StatusAt = status, "", nil
				if status != CorrectionOpen {
					corr.StatusBy, corr.StatusAt = u.Actor, &at
				}
			}
			if note != "" {
				corr.Note, corr.NoteBy, corr.NoteAt = note, u.Actor, &at
			}
			raw, err := json.Marshal(corr)
			if err != nil {
				return nil, fmt.Errorf("encode correction: %w", err)
			}
			out = corr
			// The cursor's key is only valid until the bucket changes.
			return nil, b.Put(bytes.Clone(k), raw)
		}
		return nil, ErrNotFound
	})
	if err != nil {
		return Correction{}, fmt.Errorf("correction %s of service %s: set status %s: %w", id, serviceID, status, err)
	}
	return out, nil
}

// noticeOfCorrection queues the correction c of svc to each provider of
// svc's organisation, who can put the listing right.
func (s *Store) noticeOfCorrection(tx *bbolt.Tx, svc *Service, c *Correction) error {
	to, err := providersOf(tx, svc.OrgID())
	if err != nil {
		return err
	}
	for _, addr := range to {
		if err := s.queueMessage(tx, Message{Kind: MessageCorrection, To: addr, ServiceID: svc.ID, ServiceName: svc.Name, Text: c.Message, Field: c.Field}); err != nil {
			return err
		}
	}
	return nil
}
