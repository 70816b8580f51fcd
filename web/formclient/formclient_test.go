package formclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"signpost/web/formclient"
)

const formPage = `<!doctype html><form action="/save" method="post">
<input type="hidden" name="token" value="t0k">
<input name="name" value="Walk">
<textarea name="description">Old words</textarea>
<select name="capacity"><option value="accepting">Taking people</option><option value="full" selected>Full</option></select>
<input type="checkbox" name="day" value="MO" checked><input type="checkbox" name="day" value="TU">
<button type="submit" name="go" value="1">Save</button>
</form>`

func TestSubmitSendsWhatABrowserWould(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.ParseForm()
			got = r.PostForm
			return
		}
		w.Write([]byte(formPage))
	}))
	defer srv.Close()
	c := formclient.New(srv.URL)
	err := c.Submit(context.Background(), "/edit", `form[action="/save"]`, url.Values{"description": {"New words"}})
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"token": {"t0k"}, "name": {"Walk"}, "description": {"New words"}, "capacity": {"full"}, "day": {"MO"}}
	if got.Encode() != want.Encode() {
		t.Fatalf("posted %v, want %v", got, want)
	}
	if err := c.Submit(context.Background(), "/edit", `form[action="/nowhere"]`, nil); !errors.Is(err, formclient.ErrNoForm) {
		t.Fatalf("missing form: %v", err)
	}
}
