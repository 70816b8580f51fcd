package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPRelay sends letters through one SMTP server, a connection per
// letter: Signpost sends a few a day, and a fresh connection never finds
// one the relay closed while idle.
type SMTPRelay struct {
	host string
	opts []gomail.Option
	// display is the relay's address without its password, for logs.
	display string
}

// ParseRelay reads a relay address as serve's --smtp takes it:
//
//	smtp://user:password@host:port    STARTTLS when the relay offers it (port 587 by default)
//	smtps://user:password@host:port   TLS from the first byte (port 465 by default)
//
// The user and password are optional; with them Signpost signs in with the
// strongest mechanism the relay offers (PLAIN and LOGIN only over TLS, or to
// a relay on this machine). Add ?starttls=required to refuse a relay that
// does not offer STARTTLS.
func ParseRelay(raw string) (*SMTPRelay, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--smtp: %w", errors.Unwrap(err))
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("--smtp %q: no host; write it as smtp://user:password@host:port", redact(u))
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		policy := gomail.TLSOpportunistic
		switch v := u.Query().Get("starttls"); v {
		case "", "opportunistic":
		case "required":
			policy = gomail.TLSMandatory
		default:
			return nil, fmt.Errorf("--smtp: starttls=%q is not one of opportunistic, required", v)
		}
		opts = append(opts, gomail.WithTLSPolicy(policy))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("--smtp %q: the address starts smtp:// or smtps://", redact(u))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--smtp: %q is not a port", p)
		}
		port = n
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		auth := gomail.SMTPAuthAutoDiscover
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			// Nobody can listen between two processes on one machine, so
			// a local relay may take a password in the clear.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return &SMTPRelay{host: host, opts: opts, display: redact(u)}, nil
}

// String is the relay's address without its password.
func (r *SMTPRelay) String() string { return r.display }

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		if _, ok := c.User.Password(); ok {
			c.User = url.UserPassword(c.User.Username(), "xxxxx")
		}
	}
	return c.String()
}

// Send hands one letter to the relay. It returns nil only once the relay
// has accepted it.
func (r *SMTPRelay) Send(ctx context.Context, from string, l Letter, messageID string) error {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return fmt.Errorf("from %q: %w", from, err)
	}
	if err := msg.To(l.To); err != nil {
		return fmt.Errorf("to %q: %w", l.To, err)
	}
	msg.Subject(l.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID)
	// Automatic letters: out-of-office replies should not answer them.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, l.Text)
	if l.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, l.HTML)
	}
	client, err := gomail.NewClient(r.host, r.opts...)
	if err != nil {
		return fmt.Errorf("relay %s: %w", r.display, err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("relay %s: %s", r.display, strings.TrimSpace(err.Error()))
	}
	if err := client.SendWithSMTPClient(conn, msg); err != nil {
		client.CloseWithSMTPClient(conn)
		return fmt.Errorf("relay %s: %s", r.display, strings.TrimSpace(err.Error()))
	}
	// The relay has accepted the letter: a failure to say goodbye must not
	// make it count as unsent, or it would be sent again.
	client.CloseWithSMTPClient(conn)
	return nil
}
