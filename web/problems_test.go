package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

func TestErrorFieldsProblems(t *testing.T) {
	fields := errorFields{
		{path: "email", control: "account-email", message: func(directory.Problem) string { return "Enter an e-mail address" }},
		{path: "orgs", control: "account-org", message: func(directory.Problem) string { return "Choose an organisation" }},
		{path: "password", control: "account-password", message: func(p directory.Problem) string { return "Password " + p.Message }},
	}
	got := fields.problems(directory.Problems{
		{Path: "password", Message: "must be at least 10 characters"},
		{Path: "orgs[0]", Message: "is required"},
		{Path: "orgs", Message: "a provider needs at least one organisation"},
		{Path: "email", Message: `"x" is not an e-mail address`},
		{Path: "created", Message: "is in the future"},
	})
	var lines []string
	for _, p := range got {
		lines = append(lines, p.Field+": "+p.Message)
	}
	want := "account-email: Enter an e-mail address|account-org: Choose an organisation|account-password: Password must be at least 10 characters"
	if strings.Join(lines, "|") != want {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(lines, "|"), want)
	}
	// A problem of no listed field goes to the first control, without
	// its path, when that control has nothing to say already.
	got = fields.problems(directory.Problems{{Path: "created", Message: "is in the future"}})
	if len(got) != 1 || got[0].Field != "account-email" || got[0].Message != "Is in the future" {
		t.Errorf("an unlisted field: %+v", got)
	}
}

// fieldPath is a message that starts with a field's name and a colon, the
// way validation reports them to programs ("email: ...").
var fieldPath = regexp.MustCompile(`^[a-z_\[\]0-9.]+: `)

// assertSummary checks a page's error summary: the messages in order, each
// linking to a control on the page that shows the same message beside it,
// and none written as a field path.
func assertSummary(t *testing.T, doc *goquery.Document, want ...string) {
	t.Helper()
	var got []string
	for _, a := range doc.Find(".error-summary a").EachIter() {
		href, msg := a.AttrOr("href", ""), textOf(a)
		got = append(got, href+" "+msg)
		if fieldPath.MatchString(msg) {
			t.Errorf("the summary shows a field path: %q", msg)
		}
		id := strings.TrimPrefix(href, "#")
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("the summary links to %s, which is not on the page", href)
		}
		if beside := textOf(doc.Find("#" + id + "-error")); beside != "Error: "+msg {
			t.Errorf("beside %s the page says %q, want %q", href, beside, "Error: "+msg)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("summary\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFinderErrorsInPageOrder: every wrong answer of a search is listed at
// once, in the order of the fields.
func TestFinderErrorsInPageOrder(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	rec, doc := get(t, site.srv, "/search?q=walks&near=Bootel&radius=far&delivery=skywriting")
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d", rec.Code)
	}
	assertSummary(t, doc,
		"#near We couldn't find 'Bootel'. Did you mean Bootle?",
		"#radius Choose a distance from the list, or any distance",
		"#delivery-any Choose how you would like to take part from the list")

	t.Run("the matcher goes back to the first step with a problem", func(t *testing.T) {
		_, doc := get(t, site.srv, "/match?step=results&near=Bootel&age=old")
		if doc.Find("#near").Length() != 1 {
			t.Fatal("not the place step")
		}
		assertSummary(t, doc, "#near We couldn't find 'Bootel'. Did you mean Bootle?")
		_, doc = get(t, site.srv, "/match?step=results&near=Bootle&age=old&day=someday")
		assertSummary(t, doc, "#day Choose a day from the list", "#age Enter an age in whole years, like 30")
		_, doc = get(t, site.srv, "/match?step=results&near=Bootle&age=old")
		assertSummary(t, doc, "#age Enter an age in whole years, like 30")
	})
}

// TestAddAccountErrors: the admin's new-account form says what to do, field
// by field, in the order of the form.
func TestAddAccountErrors(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	admin := es.signedIn(t, emailAdmin)
	tests := []struct {
		name string
		form url.Values
		want []string
	}{
		{"everything missing", url.Values{"role": {"provider"}},
			[]string{"#account-email Enter an e-mail address", "#account-org Choose the organisation this provider looks after",
				fmt.Sprintf("#account-password The first password must be %d characters or more", directory.MinPasswordLen)}},
		{"not an address", url.Values{"email": {"jo at example"}, "role": {"admin"}, "password": {testPassword}},
			[]string{"#account-email Enter an e-mail address in the correct format, like name@example.org"}},
		{"no role", url.Values{"email": {"jo@example.org"}, "role": {"wizard"}, "password": {"short"}},
			[]string{"#account-role Choose a role from the list", fmt.Sprintf("#account-password The first password must be %d characters or more", directory.MinPasswordLen)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, doc := admin.post("/admin/accounts", tt.form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d", resp.StatusCode)
			}
			assertSummary(t, doc, tt.want...)
		})
	}
}
