package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecoverPanics(t *testing.T) {
	fail := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("sorry page"))
	}

	t.Run("panic before writing becomes the 500 page", func(t *testing.T) {
		var logs bytes.Buffer
		h := recoverPanics(slog.New(slog.NewTextHandler(&logs, nil)), fail)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			panic("bad record")
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/activities/x", nil))
		if rec.Code != 500 || rec.Body.String() != "sorry page" {
			t.Errorf("got %d %q, want 500 and the error page", rec.Code, rec.Body.String())
		}
		if !strings.Contains(logs.String(), "bad record") || !strings.Contains(logs.String(), "stack=") {
			t.Errorf("panic not logged with its value and stack: %s", logs.String())
		}
	})

	t.Run("panic after the page began aborts the connection", func(t *testing.T) {
		h := recoverPanics(slog.New(slog.DiscardHandler), fail)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>half"))
			panic("late fault")
		}))
		defer func() {
			if v := recover(); v == nil || !errors.Is(v.(error), http.ErrAbortHandler) {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	})

	t.Run("no panic passes through", func(t *testing.T) {
		h := recoverPanics(slog.New(slog.DiscardHandler), fail)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTeapot)
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != http.StatusTeapot {
			t.Errorf("status %d, want 418", rec.Code)
		}
	})
}
