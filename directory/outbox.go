package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// The outbox. An event that tells someone something (a draft approved, a
// correction sent in, a password reset started) writes its message here in
// the same transaction as the event itself, so either both happen or
// neither does: a crash never loses a notice of something that was saved,
// nor sends one about something that was not. A worker outside the store
// sends what is pending and marks each message sent in a transaction of its
// own once the relay has accepted it.
//
// The store keeps what a message is about (its kind and the facts it
// needs), not its words: those are composed when it is sent, by the mail
// package, which knows the site's address and its pages. So the store
// needs nothing of the web, and a message still waiting when the wording
// improves goes out in the new words.
var (
	bucketOutbox     = []byte("outbox")
	bucketOutboxDone = []byte("outbox_done")
	// bucketReminded holds, per service id, when its last "still running?"
	// reminder was queued, so reminders are not sent every day.
	bucketReminded = []byte("reminded")
)

// createOutbox makes the outbox's buckets (migration 6).
func createOutbox(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bucketOutbox, bucketOutboxDone, bucketReminded} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

// MessageKind is what an e-mail is about.
type MessageKind string

// The messages Signpost sends.
const (
	// MessageDraftApproved tells the provider who submitted an edit that it
	// is published.
	MessageDraftApproved MessageKind = "draft-approved"
	// MessageDraftRejected tells them it was turned down, and why (Text).
	MessageDraftRejected MessageKind = "draft-rejected"
	// MessageCorrection passes a correction someone sent in (Text, Field)
	// to the providers of the listing's organisation.
	MessageCorrection MessageKind = "correction"
	// MessagePasswordReset carries a link (Token) that sets a new password.
	MessagePasswordReset MessageKind = "password-reset"
	// MessageReminder asks whoever runs a listing to confirm it is still
	// running, with a link (Token) to a page that does it in one press.
	MessageReminder MessageKind = "reminder"
)

// Message is one e-mail in the outbox.
type Message struct {
	ID     uint64      `json:"id"`
	Kind   MessageKind `json:"kind"`
	To     string      `json:"to"`
	Queued time.Time   `json:"queued"`

	// What the words are about.
	ServiceID   string `json:"service_id,omitempty"`
	ServiceName string `json:"service_name,omitempty"`
	// Text is a rejection's reason or a correction's message.
	Text string `json:"text,omitempty"`
	// Field is the code of the part of a listing a correction is about.
	Field string `json:"field,omitempty"`
	// Token is a signed link's token (reset, reminder); it is wiped once the
	// message is sent, so the store keeps no usable link after that.
	Token   string    `json:"token,omitempty"`
	Expires time.Time `json:"expires,omitzero"`

	// Delivery.
	Attempts    int       `json:"attempts,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// Done is when the relay accepted the message, or when it was dropped.
	Done time.Time `json:"done,omitzero"`
	// Dropped says why a message was never sent (its link expired first).
	Dropped string `json:"dropped,omitempty"`
}

// DoneKeep is how long sent and dropped messages stay listed for admins.
const DoneKeep = 30 * 24 * time.Hour

// maxLastError caps the relay's error kept with a message.
const maxLastError = 500

// MessagesQueued delivers a value after a transaction that queued mail
// commits, so a sender can wake at once instead of polling. It never
// blocks a writer: wake-ups that find the channel full are merged.
func (s *Store) MessagesQueued() <-chan struct{} { return s.mailQueued }

// queueMessage adds m to the outbox inside tx. Queueing is part of the
// transaction of the event the message is about.
func (s *Store) queueMessage(tx *bbolt.Tx, m Message) error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("queue %s message: %q is not an e-mail address", m.Kind, m.To)
	}
	b := tx.Bucket(bucketOutbox)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	m.ID = seq
	m.Queued = s.now().UTC()
	m.NextAttempt = m.Queued
	if err := putMessage(b, &m); err != nil {
		return err
	}
	tx.OnCommit(func() {
		select {
		case s.mailQueued <- struct{}{}:
		default:
		}
	})
	return nil
}

// queueToAccount queues m to an account, if it is one that can sign in:
// notices to a disabled or deleted account would go to someone who no
// longer acts for the organisation.
func (s *Store) queueToAccount(tx *bbolt.Tx, email string, m Message) error {
	a, err := getAccount(tx, email)
	if err != nil || a.Disabled {
		return nil
	}
	m.To = a.Email
	return s.queueMessage(tx, m)
}

func putMessage(b *bbolt.Bucket, m *Message) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode message %d: %w", m.ID, err)
	}
	return b.Put(be(m.ID), raw)
}

func eachMessage(b *bbolt.Bucket, fn func(*Message) error) error {
	return b.ForEach(func(k, v []byte) error {
		var m Message
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("message %d: decode: %w", u64(k), err)
		}
		return fn(&m)
	})
}

// PendingMessages returns every message not yet sent, oldest first.
func (s *Store) PendingMessages(ctx context.Context) ([]Message, error) {
	var out []Message
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachMessage(tx.Bucket(bucketOutbox), func(m *Message) error {
			out = append(out, *m)
			return nil
		})
	})
	return out, err
}

// DoneMessages returns up to limit of the messages sent or dropped in the
// last DoneKeep, newest first, without their link tokens.
func (s *Store) DoneMessages(ctx context.Context, limit int) ([]Message, error) {
	var out []Message
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutboxDone).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var m Message
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("message %d: decode: %w", u64(k), err)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// MarkSent records that the relay accepted message id: it leaves the
// outbox for the list of sent messages, without its link token. Marking a
// message that is no longer pending is not an error (two senders raced).
func (s *Store) MarkSent(ctx context.Context, id uint64) error {
	return s.finishMessage(ctx, id, "")
}

// MarkDropped takes message id out of the outbox unsent, saying why.
func (s *Store) MarkDropped(ctx context.Context, id uint64, reason string) error {
	return s.finishMessage(ctx, id, reason)
}

func (s *Store) finishMessage(ctx context.Context, id uint64, dropped string) error {
	now := s.now().UTC()
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		pending := tx.Bucket(bucketOutbox)
		raw := pending.Get(be(id))
		if raw == nil {
			return nil, nil
		}
		var m Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("message %d: decode: %w", id, err)
		}
		m.Token, m.Done, m.Dropped = "", now, dropped
		if err := pending.Delete(be(id)); err != nil {
			return nil, err
		}
		done := tx.Bucket(bucketOutboxDone)
		done.FillPercent = 0.95 // only ever appended to, in id order
		if err := putMessage(done, &m); err != nil {
			return nil, err
		}
		return nil, sweepDone(done, now.Add(-DoneKeep))
	})
}

// sweepDone forgets finished messages older than cutoff. Ids grow with
// time, so the old ones are a run at the start.
func sweepDone(b *bbolt.Bucket, cutoff time.Time) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.First() {
		var m Message
		if err := json.Unmarshal(v, &m); err == nil && !m.Done.Before(cutoff) {
			return nil
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// MarkFailed records a failed attempt to send message id and when to try
// again. The message stays in the outbox: a relay that is down loses
// nothing.
func (s *Store) MarkFailed(ctx context.Context, id uint64, reason string, next time.Time) error {
	if r := []rune(reason); len(r) > maxLastError {
		reason = string(r[:maxLastError]) + "…"
	}
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		b := tx.Bucket(bucketOutbox)
		raw := b.Get(be(id))
		if raw == nil {
			return nil, nil
		}
		var m Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("message %d: decode: %w", id, err)
		}
		m.Attempts++
		m.LastError, m.NextAttempt = reason, next.UTC()
		return nil, putMessage(b, &m)
	})
}

// providersOf returns the e-mail addresses of the enabled provider
// accounts of one organisation, in address order.
func providersOf(tx *bbolt.Tx, orgID string) ([]string, error) {
	if orgID == "" {
		return nil, nil
	}
	all, err := providersByOrg(tx)
	if err != nil {
		return nil, err
	}
	out := all[orgID]
	slices.Sort(out)
	return out, nil
}
