package web

import (
	"net/http"
	"strings"
)

// A form post is answered with a redirect (so a refresh does not post
// again), and the page it lands on confirms what happened with a flash
// message named by ?done=<code>. The codes and their words are all here;
// render looks the code up for every page, so no text from the address is
// ever echoed into a page, and a page shows the message with the "flash"
// partial.

// flash is a confirmation shown once, after a redirect.
type flash struct {
	// Heading, when set, stands above the message.
	Heading string
	Message string
}

// flashes is every flash message of the site, by code.
var flashes = map[string]flash{
	// Public pages.
	"correction-sent": {Heading: "Thank you", Message: "Your correction has been sent to the people who look after this listing."},

	// Sign-in.
	"signed-out": {Message: "You have signed out."},

	// The provider area.
	"submitted": {Message: "Thank you. Your changes have been sent for review; the public listing stays as it was until an admin approves them."},
	"published": {Message: "Your changes are published."},
	"confirmed": {Message: "Thank you for confirming the listing is still right. It now shows today's date."},
	"capacity":  {Message: "The listing now shows whether it can take new people. This is live at once."},
	"withdrawn": {Message: "Your changes waiting for review have been withdrawn."},
	"restored":  {Message: "The earlier version is published again."},

	// The admin area.
	"approved":                  {Message: "The changes are published and searchable now."},
	"rejected":                  {Message: "The changes were turned down. The provider sees your reason on their listings page."},
	"account-added":             {Message: "The account is added. Give its owner the password by a safe route."},
	"disabled":                  {Message: "The account is disabled and its sessions have ended."},
	"enabled":                   {Message: "The account can sign in again."},
	"correction-done":           {Message: "The correction is marked as done."},
	"correction-dismissed":      {Message: "The correction is dismissed."},
	"team-added":                {Message: "The team is added. Add its link workers below."},
	"listing-adopted":           {Message: "The listing is adopted: it is edited here from now on, and the feed's changes to it are reported on the feeds page, not applied."},
	"feed-withdrawal-confirmed": {Message: "The withdrawal is made: the listings the feed no longer publishes are hidden."},
	"member-added":              {Message: "The link worker is in the team. They see its shared lists under Team lists."},
	"member-removed":            {Message: "The link worker is out of the team. Lists they shared stay with it."},
	"correction-open":           {Message: "The correction is open again."},
	"correction-noted":          {Message: "Your note is kept with the correction."},
	"reset-sent":                {Message: "A link to choose a new password is on its way to the account's owner. It works once, for an hour."},
	"reminded":                  {Heading: "Reminders are queued", Message: "Each listing's providers, or its own address, will be asked to confirm it is still running."},
	"duplicates-merged":         {Message: "The listings are merged. Search shows the one you kept, naming both organisations."},
	"duplicates-different":      {Message: "Noted: these are different activities. The pair will not be offered again."},
	"duplicates-later":          {Message: "The pair is put off. It stays on the list, after the pairs not yet looked at."},
	"duplicates-unmerged":       {Message: "The listings are un-merged. Both show in search again."},

	// Passwords.
	"password-changed": {Message: "Your password is changed. Every other place you were signed in has been signed out."},

	// Shortlists and My list.
	"created": {Message: "List created. Add activities from search results, the matcher or an activity's page."},
	"added":   {Message: "Added to the list."},
	"removed": {Message: "Removed from the list."},
	"renamed": {Message: "Reference changed."},
	"deleted": {Message: "List deleted. Any share links to it have stopped working."},
	"note":    {Message: "Note saved."},
	"revoked": {Message: "Share link withdrawn. It no longer opens the list."},
	"moved":   {Message: "Order changed."},
	"saved":   {Message: "Your changes are saved."},
	// The list's one form saves every box before any button's action.
	"saved-moved":   {Message: "Your changes are saved and the order changed."},
	"saved-sorted":  {Message: "Your changes are saved and the nearest activities are first."},
	"saved-removed": {Message: "Your changes are saved and the activity removed from the list."},
	"team-shared":   {Message: "Your team can see this list now, and change and continue it."},
	"team-unshared": {Message: "The list is no longer shared with the team."},
	"profile":       {Message: "Your details are saved. Lists you share show them from now on."},
	"notfound":      {Message: "That activity is not in the directory any more."},
}

// flashOf is the flash message the request's address asks for, if any.
func flashOf(r *http.Request) flash { return flashes[r.URL.Query().Get("done")] }

// redirect answers a request by sending the browser to target with a 303,
// so that the page it lands on is fetched with GET.
func redirect(w http.ResponseWriter, r *http.Request, target string) error {
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// withFlash adds ?done=code to target, before any #fragment. A code not in
// flashes is a programming mistake, and panics so a test finds it.
func withFlash(target, code string) string {
	if _, ok := flashes[code]; !ok {
		panic("web: no flash message " + code)
	}
	path, fragment, hasFragment := strings.Cut(target, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	path += sep + "done=" + code
	if hasFragment {
		path += "#" + fragment
	}
	return path
}
