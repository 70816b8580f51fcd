package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"signpost/directory"
)

// Outbox is what the sender needs of the store. *directory.Store
// satisfies it.
type Outbox interface {
	PendingMessages(ctx context.Context) ([]directory.Message, error)
	MarkSent(ctx context.Context, id uint64) error
	MarkDropped(ctx context.Context, id uint64, reason string) error
	MarkFailed(ctx context.Context, id uint64, reason string, next time.Time) error
	// MessagesQueued wakes the sender when a message is queued.
	MessagesQueued() <-chan struct{}
}

// Relay hands a letter to a mail server and returns nil only once the
// server has accepted it. *SMTPRelay is one.
type Relay interface {
	Send(ctx context.Context, from string, l Letter, messageID string) error
}

// Config is what a Sender needs. Outbox, Relay, From and Site.BaseURL are
// required.
type Config struct {
	Outbox Outbox
	Relay  Relay
	// From is the sender's address, serve's --mail-from.
	From string
	Site Site
	Log  *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MinBackoff is the wait after a first failure, doubling with each
	// further one up to MaxBackoff. Zero means a minute and an hour.
	MinBackoff, MaxBackoff time.Duration
	// Poll is how often the outbox is read when nothing wakes the sender;
	// zero means a minute.
	Poll time.Duration
}

// Sender sends what the outbox holds. A message is marked sent, in a
// transaction of its own, only after the relay has accepted it; so a relay
// that is down loses nothing (the message waits, and is tried again with
// backoff), and a crash between the relay's acceptance and the mark sends
// that one message again on restart: a rare duplicate rather than a loss.
// Each letter carries a Message-ID made from the outbox id, so a mail
// program that removes duplicates by it shows only one.
type Sender struct {
	cfg Config
}

// NewSender checks cfg and fills in its defaults.
func NewSender(cfg Config) (*Sender, error) {
	switch {
	case cfg.Outbox == nil:
		return nil, errors.New("mail: Config.Outbox is required")
	case cfg.Relay == nil:
		return nil, errors.New("mail: Config.Relay is required")
	case cfg.From == "":
		return nil, errors.New("mail: a sender's address (--mail-from) is required with a relay")
	case cfg.Site.BaseURL == "":
		return nil, errors.New("mail: the site's address (--base-url) is required with a relay, for the links in letters")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Minute
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Hour
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Minute
	}
	return &Sender{cfg: cfg}, nil
}

// backoff is the wait after the n-th failure in a row (n ≥ 1).
func (s *Sender) backoff(n int) time.Duration {
	d := s.cfg.MinBackoff
	for i := 1; i < n && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.cfg.MaxBackoff)
}

// Run sends until ctx ends. After a failure it stops the round, because
// the rest would most likely fail the same way, and waits before trying
// again, twice as long after each failure in a row.
func (s *Sender) Run(ctx context.Context) {
	var pauseUntil time.Time
	failures := 0
	for {
		now := s.cfg.Now()
		wake := now.Add(s.cfg.Poll)
		if !now.Before(pauseUntil) {
			next, err := s.round(ctx)
			if ctx.Err() != nil {
				return
			}
			switch {
			case err != nil:
				failures++
				pauseUntil = s.cfg.Now().Add(s.backoff(failures))
				s.cfg.Log.Warn("mail relay refused or unreachable; the message stays in the outbox", "err", err, "retry_in", s.backoff(failures))
			default:
				failures = 0
				if !next.IsZero() && next.Before(wake) {
					wake = next
				}
			}
		}
		if pauseUntil.After(s.cfg.Now()) {
			wake = pauseUntil
		}
		timer := time.NewTimer(max(wake.Sub(s.cfg.Now()), 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.cfg.Outbox.MessagesQueued():
		case <-timer.C:
		}
		timer.Stop()
	}
}

// round sends every message that is due, oldest first. It returns when
// the next pending message falls due, and the relay's error if one was
// refused.
func (s *Sender) round(ctx context.Context) (time.Time, error) {
	pending, err := s.cfg.Outbox.PendingMessages(ctx)
	if err != nil {
		s.cfg.Log.Error("read the outbox", "err", err)
		return time.Time{}, nil
	}
	// Marks are written even while shutting down: a letter the relay has
	// accepted must be recorded as sent.
	mark := context.WithoutCancel(ctx)
	var next time.Time
	for _, m := range pending {
		now := s.cfg.Now()
		if m.NextAttempt.After(now) {
			if next.IsZero() || m.NextAttempt.Before(next) {
				next = m.NextAttempt
			}
			continue
		}
		if !m.Expires.IsZero() && !now.Before(m.Expires) {
			if err := s.cfg.Outbox.MarkDropped(mark, m.ID, "its link expired before the relay took it"); err != nil {
				s.cfg.Log.Error("mark a message dropped", "id", m.ID, "err", err)
			}
			continue
		}
		letter, err := Compose(m, s.cfg.Site)
		if err != nil {
			// A message this build cannot word waits for one that can.
			s.cfg.Log.Error("compose a message", "id", m.ID, "kind", m.Kind, "err", err)
			if err := s.cfg.Outbox.MarkFailed(mark, m.ID, err.Error(), now.Add(s.cfg.MaxBackoff)); err != nil {
				s.cfg.Log.Error("mark a message failed", "id", m.ID, "err", err)
			}
			continue
		}
		if err := s.cfg.Relay.Send(ctx, s.cfg.From, letter, s.messageID(m)); err != nil {
			if merr := s.cfg.Outbox.MarkFailed(mark, m.ID, err.Error(), s.cfg.Now().Add(s.backoff(m.Attempts+1))); merr != nil {
				s.cfg.Log.Error("mark a message failed", "id", m.ID, "err", merr)
			}
			return time.Time{}, fmt.Errorf("message %d: %w", m.ID, err)
		}
		if err := s.cfg.Outbox.MarkSent(mark, m.ID); err != nil {
			// The relay has it; the next round sends it again. Say so.
			s.cfg.Log.Error("mark a sent message sent; it will be sent again", "id", m.ID, "err", err)
			continue
		}
		s.cfg.Log.Info("mail sent", "id", m.ID, "kind", m.Kind)
	}
	return next, nil
}

// messageID is the same for every attempt at one message.
func (s *Sender) messageID(m directory.Message) string {
	host := "signpost.invalid"
	if u, err := url.Parse(s.cfg.Site.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return fmt.Sprintf("signpost.%d.%d@%s", m.ID, m.Queued.Unix(), host)
}
