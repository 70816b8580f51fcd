package main

import (
	"io"
	"strings"
	"testing"
)

func TestServeFollowerFlags(t *testing.T) {
	key := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name        string
		args        []string
		env         map[string]string
		wantPrimary string
		wantKey     bool
		wantErr     string
	}{
		{name: "not a follower", args: nil},
		{name: "--primary", args: []string{"--primary", "https://primary.signpost.example"}, wantPrimary: "https://primary.signpost.example"},
		{name: "env", env: map[string]string{"SIGNPOST_PRIMARY": "http://10.0.0.5:8080/"}, wantPrimary: "http://10.0.0.5:8080/"},
		{name: "shared CSRF key", env: map[string]string{"SIGNPOST_CSRF_KEY": key}, wantKey: true},
		{name: "not http", args: []string{"--primary", "ftp://primary.example"}, wantErr: "not an http or https address"},
		{name: "no host", args: []string{"--primary", "primary.example"}, wantErr: "not an http or https address"},
		{name: "itself", args: []string{"--primary", "https://signpost.example/", "--base-url", "https://signpost.example"}, wantErr: "own --base-url"},
		{name: "short key", env: map[string]string{"SIGNPOST_CSRF_KEY": "abcd"}, wantErr: "64 hexadecimal digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{stderr: io.Discard, getenv: func(k string) string { return tc.env[k] }}
			opts, err := parseServeFlags(e, tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if opts.primary != nil {
				got = opts.primary.String()
			}
			if got != tc.wantPrimary || (opts.csrfKey != nil) != tc.wantKey {
				t.Errorf("primary %q, key %v; want %q, %v", got, opts.csrfKey != nil, tc.wantPrimary, tc.wantKey)
			}
		})
	}
}
