package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"signpost/directory"
)

// listItemView is one activity of a shortlist as its pages, the print view
// and the text version show it: what, where, when, how to join, contact,
// cost, the note, and what has become of it since it was added.
type listItemView struct {
	N         int
	ServiceID string
	Name      string
	Org       string
	Href      string
	What      string
	Where     []string
	Online    string
	When      []string
	HowToJoin string
	Phones    []phoneView
	Email     string
	Website   string
	Cost      string
	Note      string
	// NoteShared: the note shows on the share link, print and text.
	NoteShared bool
	AddedOn    string
	// Distance is how far it is from the list's place, when it has one.
	Distance string
	Warnings []string
	Notices  []string
	Gone     bool
	First    bool
	Last     bool
}

// audience is who a list's views are for.
type audience int

const (
	// forOwner: the list's own page, private notes and all.
	forOwner audience = iota
	// forOthers: anyone holding a share link, a printout or the text
	// version. Private notes are left out.
	forOthers
)

// listItemViews turns a list's items into views for who.
func listItemViews(md *markdown, items []directory.ItemView, who audience) []listItemView {
	out := make([]listItemView, 0, len(items))
	for i, it := range items {
		v := listItemView{
			N:         i + 1,
			ServiceID: it.ServiceID,
			Href:      "/activities/" + url.PathEscape(it.ServiceID),
			AddedOn:   dateText(it.AddedAt),
			Warnings:  it.State.Warnings,
			Notices:   it.State.Notices,
			Gone:      it.State.Gone,
			First:     i == 0,
			Last:      i == len(items)-1,
		}
		if it.Note != "" && (who == forOwner || it.NoteShared) {
			v.Note, v.NoteShared = it.Note, it.NoteShared
		}
		if svc := it.Service; svc != nil {
			v.Name = svc.Name
			if svc.Organization != nil {
				v.Org = svc.Organization.Name
			}
			v.What = md.Summary(svc.Description, 160)
			ps, online := places(svc)
			v.Online = online
			for _, p := range ps {
				v.Where = append(v.Where, strings.Join(append(nonEmpty(p.Name), p.Address...), ", "))
			}
			for _, l := range scheduleLines(svc) {
				v.When = append(v.When, strings.TrimSpace(l.Text+" "+l.Note))
			}
			v.HowToJoin = svc.ApplicationProcess
			v.Phones = phones(svc)
			v.Email = svc.Email
			v.Website = webURL(svc.URL)
			v.Cost = costLine(svc)
		} else {
			v.Name = "An activity no longer listed"
			v.Href = ""
		}
		out = append(out, v)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// listText is the plain-text version of a list: short lines, no markup,
// so it fits an SMS or an e-mail and survives being pasted anywhere.
// siteURL is the site's origin for links; shareURL, when set, is the list's
// share link.
func listText(items []listItemView, siteURL, shareURL string, made time.Time, maker makerView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your list of activities (%s)\n", dateText(made))
	b.WriteString(maker.Text())
	for _, it := range items {
		b.WriteString("\n")
		name := it.Name
		if it.Org != "" && it.Org != it.Name {
			name += " – " + it.Org
		}
		fmt.Fprintf(&b, "%d. %s\n", it.N, name)
		line := func(label string, vals ...string) {
			var parts []string
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" {
					parts = append(parts, v)
				}
			}
			if len(parts) > 0 {
				fmt.Fprintf(&b, "   %s: %s\n", label, strings.Join(parts, "; "))
			}
		}
		line("When", it.When...)
		line("Where", append(it.Where, it.Online)...)
		line("Cost", it.Cost)
		var contact []string
		for _, p := range it.Phones {
			contact = append(contact, p.Number)
		}
		contact = append(contact, it.Email)
		if len(contact) == 1 && contact[0] == "" {
			contact = append(contact, it.Website)
		}
		line("Contact", contact...)
		line("Note", it.Note)
		for _, w := range it.Warnings {
			fmt.Fprintf(&b, "   ! %s\n", w)
		}
		// With a share link the list's page gives every detail; without
		// one, each activity's page does.
		if it.Href != "" && shareURL == "" {
			fmt.Fprintf(&b, "   More: %s%s\n", siteURL, it.Href)
		}
	}
	if len(items) == 0 {
		b.WriteString("\nThe list is empty.\n")
	}
	if shareURL != "" {
		fmt.Fprintf(&b, "\nThis list, kept up to date: %s\n", shareURL)
	}
	b.WriteString("Details can change: check before you go.\n")
	return b.String()
}
