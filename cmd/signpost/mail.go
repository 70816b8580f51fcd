package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"signpost/directory"
	webmail "signpost/web/mail"
)

// mailFlags are serve's e-mail settings.
type mailFlags struct {
	smtp, from  *string
	remindAfter *period
	// baseURL starts every link in an e-mail: the site's --base-url.
	baseURL string
}

func addMailFlags(fs *flag.FlagSet, e *env) *mailFlags {
	orEnv := func(name, def string) string {
		if v := e.getenv(name); v != "" {
			return v
		}
		return def
	}
	mf := &mailFlags{
		smtp: fs.String("smtp", orEnv("SIGNPOST_SMTP", ""),
			"send e-mail through this relay: smtp://user:password@host:port (STARTTLS when offered) or smtps://… (env SIGNPOST_SMTP); without it nothing is sent and admins see the outbox"),
		from:        fs.String("mail-from", orEnv("SIGNPOST_MAIL_FROM", ""), "the address e-mail comes from (env SIGNPOST_MAIL_FROM)"),
		remindAfter: &period{months: 6},
	}
	if v := e.getenv("SIGNPOST_REMIND_AFTER"); v != "" {
		mf.remindAfter.Set(v) // a bad value is reported when the flag is checked
	}
	fs.Var(mf.remindAfter, "remind-after", "ask providers to confirm listings nobody has confirmed for this long: 6mo, 26w, 180d (env SIGNPOST_REMIND_AFTER)")
	return mf
}

// check reports what is wrong with the settings taken together; baseURL
// is the site's --base-url, which e-mails' links start with.
func (mf *mailFlags) check(baseURL string) error {
	if mf.remindAfter.err != nil {
		return mf.remindAfter.err
	}
	mf.baseURL = baseURL
	if *mf.smtp == "" {
		if *mf.from != "" {
			return errors.New("--mail-from needs --smtp, the relay to send through")
		}
		return nil
	}
	if _, err := webmail.ParseRelay(*mf.smtp); err != nil {
		return err
	}
	switch addr, err := mail.ParseAddress(*mf.from); {
	case *mf.from == "":
		return errors.New("--smtp needs --mail-from, the address e-mail comes from")
	case err != nil:
		return fmt.Errorf("--mail-from %q is not an e-mail address", *mf.from)
	case addr.Address == "":
		return fmt.Errorf("--mail-from %q is not an e-mail address", *mf.from)
	}
	if mf.baseURL == "" {
		return errors.New("--smtp needs --base-url, the address people reach the site at, because e-mails carry links to it")
	}
	return nil
}

// mailer is what sending e-mail needs of the store.
type mailer interface {
	webmail.Outbox
	QueueReminders(ctx context.Context, cutoff time.Time) (directory.ReminderReport, error)
}

// startMail starts the sender and the daily round of reminders when a
// relay is configured; the returned function stops both and waits for
// them. Without a relay it does nothing: messages wait in the outbox,
// where admins can read them.
func startMail(ctx context.Context, st mailer, mf *mailFlags, logger *slog.Logger) (stop func(), err error) {
	if *mf.smtp == "" {
		logger.Info("no mail relay (--smtp): e-mail waits in the outbox at /admin/outbox and is not sent")
		return func() {}, nil
	}
	relay, err := webmail.ParseRelay(*mf.smtp)
	if err != nil {
		return nil, err
	}
	sender, err := webmail.NewSender(webmail.Config{
		Outbox: st, Relay: relay, From: *mf.from, Log: logger,
		Site: webmail.Site{BaseURL: mf.baseURL, Zone: time.Local},
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	sent, reminded := make(chan struct{}), make(chan struct{})
	go func() { defer close(sent); sender.Run(ctx) }()
	go func() { defer close(reminded); remindStale(ctx, st, 24*time.Hour, mf.remindAfter, logger) }()
	logger.Info("sending e-mail", "relay", relay.String(), "from", *mf.from)
	return func() { cancel(); <-sent; <-reminded }, nil
}

// reminderQueuer is what the daily round needs of the store.
type reminderQueuer interface {
	QueueReminders(ctx context.Context, cutoff time.Time) (directory.ReminderReport, error)
}

// remindStale queues "is this still running?" reminders for listings not
// confirmed for the period after: at once, then every interval, until ctx
// ends. The store reminds each listing at most once a month.
func remindStale(ctx context.Context, st reminderQueuer, every time.Duration, after *period, logger *slog.Logger) {
	repeat(ctx, every, func(ctx context.Context) {
		rep, err := st.QueueReminders(ctx, after.before(time.Now()))
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("queueing reminders failed; will try again", "err", err)
		case rep.Listings > 0 || rep.Unreachable > 0:
			logger.Info("queued reminders", "listings", rep.Listings, "emails", rep.Messages, "no_address", rep.Unreachable)
		}
	})
}

// period is a length of time as people say it: months (6mo), weeks (26w),
// days (180d), years (1y), or a Go duration (4320h).
type period struct {
	months, days int
	d            time.Duration
	text         string
	err          error
}

func (p *period) String() string {
	if p.text == "" {
		return fmt.Sprintf("%dmo", p.months)
	}
	return p.text
}

func (p *period) Set(v string) error {
	*p = period{text: v}
	v = strings.TrimSpace(strings.ToLower(v))
	for _, unit := range []struct {
		suffix string
		set    func(n int)
	}{
		{"mo", func(n int) { p.months = n }},
		{"y", func(n int) { p.months = 12 * n }},
		{"w", func(n int) { p.days = 7 * n }},
		{"d", func(n int) { p.days = n }},
	} {
		if num, ok := strings.CutSuffix(v, unit.suffix); ok {
			if n, err := strconv.Atoi(num); err == nil && n > 0 {
				unit.set(n)
				return nil
			}
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		p.d = d
		return nil
	}
	p.err = fmt.Errorf("--remind-after %q: say how long, such as 6mo, 26w or 180d", p.text)
	return p.err
}

// before is the moment the period before now began.
func (p *period) before(now time.Time) time.Time {
	return now.AddDate(0, -p.months, -p.days).Add(-p.d)
}
