package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"go.etcd.io/bbolt"
)

// "Is this still running?" reminders. A listing nobody has confirmed for a
// while is asked about by e-mail: its organisation's providers, or when it
// has none the listing's own address, get a link to a page with one button
// that confirms it.

const (
	// ReminderLinkValid is how long a reminder's link works.
	ReminderLinkValid = 30 * 24 * time.Hour
	// RemindEvery is how often a listing that stays unconfirmed is asked
	// about again by the daily round.
	RemindEvery = 30 * 24 * time.Hour
	// remindAgainAfter keeps an admin who presses "send reminders" twice
	// from sending every reminder twice.
	remindAgainAfter = 24 * time.Hour
)

// ReminderReport says what a round of reminders did.
type ReminderReport struct {
	// Listings were reminded, with Messages e-mails between them.
	Listings, Messages int
	// Recent were skipped because they had been reminded lately.
	Recent int
	// Unreachable have no provider account and no e-mail address.
	Unreachable int
}

// QueueReminders queues a reminder for every published, active listing not
// confirmed since before cutoff that has not been reminded in the last
// RemindEvery. The daily round calls it.
func (s *Store) QueueReminders(ctx context.Context, cutoff time.Time) (ReminderReport, error) {
	var rep ReminderReport
	before := []byte(cutoff.Format(time.DateOnly))
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		rep = ReminderReport{}
		var stale []string
		err := eachIndexed(tx.Bucket(bucketActiveByAssured), nil, func(key []byte, id string) (bool, error) {
			if bytes.Compare(key[:len(before)], before) >= 0 {
				return false, nil
			}
			stale = append(stale, id)
			return true, nil
		})
		if err != nil {
			return nil, err
		}
		return nil, s.remind(tx, stale, RemindEvery, &rep)
	})
	return rep, err
}

// SendReminders queues a reminder for each of the listed services now,
// however recently the daily round reminded it: an admin asked. A listing
// reminded in the last day is skipped, so pressing twice sends once.
func (s *Store) SendReminders(ctx context.Context, serviceIDs []string) (ReminderReport, error) {
	var rep ReminderReport
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		rep = ReminderReport{}
		return nil, s.remind(tx, serviceIDs, remindAgainAfter, &rep)
	})
	return rep, err
}

// remind queues reminders for the services ids inside tx, skipping those
// reminded within the last `every`.
func (s *Store) remind(tx *bbolt.Tx, ids []string, every time.Duration, rep *ReminderReport) error {
	now := s.now().UTC()
	key, err := secretIn(tx, linkKeyName)
	if err != nil {
		return err
	}
	reminded := tx.Bucket(bucketReminded)
	providers, err := providersByOrg(tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var last time.Time
		if raw := reminded.Get([]byte(id)); raw != nil {
			if err := last.UnmarshalBinary(raw); err == nil && now.Sub(last) < every {
				rep.Recent++
				continue
			}
		}
		svc, err := getService(tx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		to := providers[svc.OrgID()]
		if len(to) == 0 {
			to = listingAddress(tx, svc)
		}
		if len(to) == 0 {
			rep.Unreachable++
			continue
		}
		expires := now.Add(ReminderLinkValid)
		for _, addr := range to {
			token, err := signLink(key, linkClaims{Purpose: linkRemind, Subject: svc.ID, To: addr, Expires: expires.Unix(), Bind: svc.AssuredDate})
			if err != nil {
				return err
			}
			if err := s.queueMessage(tx, Message{Kind: MessageReminder, To: addr, ServiceID: svc.ID, ServiceName: svc.Name, Token: token, Expires: expires}); err != nil {
				return err
			}
			rep.Messages++
		}
		stamp, err := now.MarshalBinary()
		if err != nil {
			return err
		}
		if err := reminded.Put([]byte(id), stamp); err != nil {
			return err
		}
		rep.Listings++
	}
	return nil
}

// listingAddress is where to ask about a listing no provider account looks
// after: its own e-mail address, or else its organisation's.
func listingAddress(tx *bbolt.Tx, svc *Service) []string {
	candidates := []string{svc.Email}
	if raw := tx.Bucket(bucketOrganizations).Get([]byte(svc.OrgID())); raw != nil {
		var org Organization
		if json.Unmarshal(raw, &org) == nil {
			candidates = append(candidates, org.Email)
		}
	}
	for _, c := range candidates {
		if addr, err := mail.ParseAddress(c); err == nil && addr.Address == c {
			return []string{c}
		}
	}
	return nil
}

// reminderService finds the listing a reminder token is about, refusing a
// token that is forged or expired, whose listing is gone, or that has been
// used (the listing was confirmed since it was sent).
func (s *Store) reminderService(tx *bbolt.Tx, token string) (*Service, linkClaims, error) {
	c, err := openLink(tx, token, linkRemind, s.now())
	if err != nil {
		return nil, c, err
	}
	svc, err := getService(tx, c.Subject)
	if errors.Is(err, ErrNotFound) {
		return nil, c, fmt.Errorf("%w: the listing has been removed", ErrLinkInvalid)
	}
	if err != nil {
		return nil, c, err
	}
	if svc.AssuredDate != c.Bind {
		return svc, c, ErrLinkUsed
	}
	return svc, c, nil
}

// ReminderService returns the listing a reminder link is about. With
// ErrLinkUsed it returns the listing too, so the page can say it has been
// confirmed already.
func (s *Store) ReminderService(ctx context.Context, token string) (*Service, error) {
	var svc *Service
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		svc, _, err = s.reminderService(tx, token)
		return err
	})
	return svc, err
}

// ConfirmByReminder confirms the listing a reminder link is about, as
// ConfirmService does, recording in its history whom the reminder went to.
// The link then stops working.
func (s *Store) ConfirmByReminder(ctx context.Context, token string) (*Service, error) {
	var svc *Service
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		var c linkClaims
		var err error
		svc, c, err = s.reminderService(tx, token)
		if err != nil {
			return nil, err
		}
		svc.AssuredDate = s.now().UTC().Format(time.DateOnly)
		changed, err := s.putService(tx, svc, Save{Actor: c.To, Action: ActionConfirm, Note: "confirmed still running, from the reminder e-mailed to " + c.To})
		if err != nil || !changed {
			return nil, err
		}
		return []string{svc.ID}, nil
	})
	return svc, err
}
