package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDeviceCookies(t *testing.T) {
	d, err := newDeviceCookies(make([]byte, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := d.issue(rec, httptest.NewRequest("POST", "/login", nil), "owner@example.org"); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	if !cookie.HttpOnly || cookie.Path != "/" || strings.Contains(cookie.Value, "owner") {
		t.Errorf("cookie %+v: want HttpOnly, for the whole site, without the address in clear", cookie)
	}
	read := func(value, email string) string {
		req := httptest.NewRequest("POST", "/login", nil)
		c := *cookie
		c.Value = value
		req.AddCookie(&c)
		return d.read(req, email)
	}
	if read(cookie.Value, "owner@example.org") == "" {
		t.Error("the browser's own cookie does not exempt it")
	}
	if read(cookie.Value, "other@example.org") != "" {
		t.Error("a cookie for one account exempts another")
	}
	if read(cookie.Value[:len(cookie.Value)-2]+"AA", "owner@example.org") != "" {
		t.Error("a tampered cookie exempts")
	}
}
