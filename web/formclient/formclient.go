// Package formclient is a small HTTP client that uses Signpost's HTML
// forms the way a browser without JavaScript would: it loads a page, fills
// a form with every named field's current value (the CSRF token included),
// overrides some fields and posts it. The load generator and the crash tests
// drive a real server with it.
package formclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Client is one signed-in (or anonymous) visitor with its own cookies.
type Client struct {
	Base string
	HTTP *http.Client
}

// New returns an anonymous visitor of the site at base.
func New(base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
}

// Login signs in through the login form.
func (c *Client) Login(ctx context.Context, email, password string) error {
	return c.Submit(ctx, "/login", `form[action="/login"]`, url.Values{"email": {email}, "password": {password}})
}

// Page loads a page and parses it.
func (c *Client) Page(ctx context.Context, path string) (*goquery.Document, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return goquery.NewDocumentFromReader(resp.Body)
}

// Submit loads pagePath, fills the first form matching sel as a browser
// would, replaces the given fields and posts the form. Any 4xx or 5xx
// answer is an error.
func (c *Client) Submit(ctx context.Context, pagePath, sel string, fields url.Values) error {
	doc, err := c.Page(ctx, pagePath)
	if err != nil {
		return err
	}
	form := doc.Find(sel).First()
	if form.Length() == 0 {
		return fmt.Errorf("%w %s on %s", ErrNoForm, sel, pagePath)
	}
	vals := FormValues(form)
	for k, v := range fields {
		vals[k] = v
	}
	action := form.AttrOr("action", pagePath)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+action, strings.NewReader(vals.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", c.Base+pagePath)
	req.Header.Set("Origin", c.Base)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return fmt.Errorf("POST %s: %s%s", action, resp.Status, explain(resp.Body))
	}
	io.Copy(io.Discard, resp.Body)
	return nil
}

// explain pulls what a refusal page says went wrong: its error summary,
// or failing that its heading.
func explain(body io.Reader) string {
	doc, err := goquery.NewDocumentFromReader(io.LimitReader(body, 1<<20))
	if err != nil {
		return ""
	}
	sel := doc.Find(".error-summary, [role=alert]").First()
	if sel.Length() == 0 {
		sel = doc.Find("h1").First()
	}
	text := strings.Join(strings.Fields(sel.Text()), " ")
	if text == "" {
		return ""
	}
	return " (" + text + ")"
}

// FormValues returns what a browser would send for a form as it stands:
// every named field's value, checked boxes only, selected options, no
// buttons.
func FormValues(form *goquery.Selection) url.Values {
	vals := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, f *goquery.Selection) {
		name, _ := f.Attr("name")
		switch goquery.NodeName(f) {
		case "textarea":
			vals.Add(name, f.Text())
		case "select":
			opts := f.Find("option[selected]")
			if opts.Length() == 0 {
				opts = f.Find("option").First()
			}
			opts.Each(func(_ int, opt *goquery.Selection) {
				vals.Add(name, opt.AttrOr("value", opt.Text()))
			})
		default:
			switch f.AttrOr("type", "text") {
			case "submit", "button", "image", "reset", "file":
				return
			case "checkbox", "radio":
				if _, checked := f.Attr("checked"); !checked {
					return
				}
				vals.Add(name, f.AttrOr("value", "on"))
			default:
				vals.Add(name, f.AttrOr("value", ""))
			}
		}
	})
	return vals
}

// ErrNoForm is returned when a page lacks the expected form.
var ErrNoForm = errors.New("no such form")
