// Package mail turns the store's outbox into e-mail: it composes each
// queued message into words (plain text, with an HTML alternative) and
// sends it through an SMTP relay, retrying with backoff until the relay
// accepts it.
//
// The store records what a message is about (directory.Message); every
// word Signpost sends by e-mail is written here, in Compose and the two
// layouts under templates/, so the wording lives in one place and the
// store needs nothing of the web.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	"signpost/directory"
)

//go:embed templates
var templateFS embed.FS

var (
	textLayout = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/letter.txt"))
	htmlLayout = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/letter.html"))
)

// Site is what letters need to know of the site they come from.
type Site struct {
	// BaseURL is where people reach the site ("https://signpost.example"):
	// every link in a letter starts with it. It comes from serve's
	// --base-url, never from a request.
	BaseURL string
	// Name signs every letter; "Signpost" when empty.
	Name string
	// Zone is the time zone expiry times are written in; UTC when nil.
	Zone *time.Location
}

// Letter is a composed e-mail.
type Letter struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Paths of the pages letters link to. The web package serves them; they
// are written here too because a letter is composed apart from any request.
const (
	// ResetPath is the page that sets a new password, with ?token=.
	ResetPath = "/password/reset"
	// StillRunningPath is the page with the "Yes, it is still running"
	// button, with ?token=.
	StillRunningPath = "/still-running"
)

// action is a letter's one button.
type action struct {
	Label string
	URL   string
}

// content is what a letter says, before a layout lays it out.
type content struct {
	Subject string
	Paras   []string
	// Quote is someone else's words (a correction, a rejection's reason),
	// set apart.
	Quote  string
	Action *action
	After  []string
}

// layoutData is what the layouts are given.
type layoutData struct {
	content
	QuoteLines []string
	SiteName   string
	BaseURL    string
}

// Compose writes message m as a letter from site.
func Compose(m directory.Message, site Site) (Letter, error) {
	if site.Name == "" {
		site.Name = "Signpost"
	}
	base := strings.TrimRight(site.BaseURL, "/")
	if base == "" {
		return Letter{}, fmt.Errorf("compose message %d: no base URL for its links", m.ID)
	}
	c, err := words(m, site, base)
	if err != nil {
		return Letter{}, fmt.Errorf("compose message %d: %w", m.ID, err)
	}
	data := layoutData{content: c, SiteName: site.Name, BaseURL: base}
	if c.Quote != "" {
		data.QuoteLines = strings.Split(strings.ReplaceAll(c.Quote, "\r\n", "\n"), "\n")
	}
	var text, html bytes.Buffer
	if err := textLayout.Execute(&text, data); err != nil {
		return Letter{}, fmt.Errorf("compose message %d: %w", m.ID, err)
	}
	if err := htmlLayout.Execute(&html, data); err != nil {
		return Letter{}, fmt.Errorf("compose message %d: %w", m.ID, err)
	}
	return Letter{To: m.To, Subject: c.Subject, Text: text.String(), HTML: html.String()}, nil
}

// words is what each kind of message says.
func words(m directory.Message, site Site, base string) (content, error) {
	name := "“" + m.ServiceName + "”"
	edit := base + "/provider/listings/" + url.PathEscape(m.ServiceID) + "/edit"
	switch m.Kind {
	case directory.MessageDraftApproved:
		return content{
			Subject: "Your changes to " + name + " are published",
			Paras:   []string{"An admin has approved the changes you sent in to " + name + ". They are on the site now."},
			Action:  &action{"See the listing", base + "/activities/" + url.PathEscape(m.ServiceID)},
		}, nil
	case directory.MessageDraftRejected:
		return content{
			Subject: "Your changes to " + name + " need another look",
			Paras:   []string{"An admin has read the changes you sent in to " + name + " and has not published them yet. They said:"},
			Quote:   m.Text,
			Action:  &action{"Open your changes", edit},
			After:   []string{"Your changes are kept: put them right and send them in again."},
		}, nil
	case directory.MessageCorrection:
		about := ""
		for _, f := range directory.CorrectionFields {
			if f.Code == m.Field {
				about = " (" + strings.ToLower(f.Label) + ")"
			}
		}
		return content{
			Subject: "Someone says " + name + " needs correcting",
			Paras:   []string{"Someone using Signpost says part of the listing " + name + " is wrong" + about + ". They wrote:"},
			Quote:   m.Text,
			Action:  &action{"Update the listing", edit},
			After: []string{"If they are right, please update the listing so link workers send people to the right place. " +
				"A correction carries nobody's name or address, so you cannot reply to it."},
		}, nil
	case directory.MessagePasswordReset:
		if m.Token == "" {
			return content{}, fmt.Errorf("a password reset without its link")
		}
		return content{
			Subject: "Choose a new password for Signpost",
			Paras:   []string{"An admin has started a password reset for your Signpost account, " + m.To + "."},
			Action:  &action{"Choose a new password", base + ResetPath + "?token=" + url.QueryEscape(m.Token)},
			After: []string{
				"The link works once, until " + when(m.Expires, site.Zone) + ". Choosing a new password signs your account out everywhere.",
				"If you did not ask for this, tell your Signpost admin. Your password stays as it is unless the link is used.",
			},
		}, nil
	case directory.MessageReminder:
		if m.Token == "" {
			return content{}, fmt.Errorf("a reminder without its link")
		}
		return content{
			Subject: "Is " + name + " still running?",
			Paras: []string{
				"Signpost lists " + name + ", and nobody has confirmed it is still running for a while. " +
					"Link workers send people to it, so they need to know it is still there.",
				"If it is still running as listed, press the button: it opens a page where one more press confirms it. You do not need to sign in.",
			},
			Action: &action{"Yes, it is still running", base + StillRunningPath + "?token=" + url.QueryEscape(m.Token)},
			After: []string{
				"If something has changed, sign in and update the listing, or tell your Signpost admin. If it has stopped, please tell them too.",
				"The link works until " + when(m.Expires, site.Zone) + ".",
			},
		}, nil
	}
	return content{}, fmt.Errorf("no words for a message of kind %q", m.Kind)
}

// when writes a time people read in an e-mail: "14:05 GMT on Monday 2 March 2026".
func when(t time.Time, zone *time.Location) string {
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("15:04 MST on Monday 2 January 2006")
}
