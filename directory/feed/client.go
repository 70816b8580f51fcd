package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxRedirects bounds a chain of redirects, so a loop fails fast.
const maxRedirects = 5

// CheckURL accepts only an absolute http or https URL with a host.
func CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("feed URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("feed URL %q: only http and https URLs can be followed", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("feed URL %q: no host", raw)
	}
	return u, nil
}

// client fetches a feed's pages with the limits a stranger's server needs.
type client struct {
	http     *http.Client
	maxBytes int64
	retries  int
	backoff  time.Duration
}

func newClient(o Options) *client {
	hc := &http.Client{
		Timeout:   o.Timeout,
		Transport: o.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects (a redirect loop?)", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s: only http and https are followed", req.URL.Scheme)
			}
			return nil
		},
	}
	return &client{http: hc, maxBytes: o.MaxBytes, retries: o.Retries, backoff: o.Backoff}
}

// statusError is an HTTP answer other than 200.
type statusError struct {
	url  string
	code int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.url, e.code, http.StatusText(e.code))
}

// retryable says whether trying again may help: network faults, timeouts,
// overload and server errors, not a 404 or a body too large.
func retryable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.code == http.StatusTooManyRequests || se.code >= 500
	}
	return !errors.Is(err, errTooLarge) && !errors.Is(err, context.Canceled)
}

var errTooLarge = errors.New("response too large")

// get returns the body of a GET, retrying with exponential backoff.
func (c *client) get(ctx context.Context, u string) ([]byte, error) {
	var err error
	wait := c.backoff
	for attempt := 0; ; attempt++ {
		var body []byte
		body, err = c.once(ctx, u)
		if err == nil {
			return body, nil
		}
		if attempt >= c.retries || !retryable(err) || ctx.Err() != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (c *client) once(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Signpost feed follower")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &statusError{url: u, code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: read: %w", u, err)
	}
	if int64(len(body)) > c.maxBytes {
		return nil, fmt.Errorf("GET %s: %w: over %s bytes", u, errTooLarge, strconv.FormatInt(c.maxBytes, 10))
	}
	return body, nil
}
