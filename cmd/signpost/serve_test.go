package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"signpost/directory"
)

// selfSignedCert writes a throwaway certificate for 127.0.0.1.
func selfSignedCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := errors.Join(
		os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600),
		os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600),
	); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServeHardening(t *testing.T) {
	t.Parallel() // each runs its own processes in its own folders
	bin := buildBinary(t)
	dir := t.TempDir()
	certFile, keyFile := selfSignedCert(t)
	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	base := startProcess(t, cmd)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("a TLS server announced %s", base)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test's own certificate
	}}

	t.Run("security headers under TLS", func(t *testing.T) {
		resp, err := client.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 200 || !strings.Contains(h.Get("Strict-Transport-Security"), "max-age=") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Fatalf("status %d, headers %v", resp.StatusCode, h)
		}
	})
	t.Run("huge query string is refused, not served", func(t *testing.T) {
		resp, err := client.Get(base + "/search?q=" + strings.Repeat("a", 200<<10))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})
	t.Run("oversized form body is refused", func(t *testing.T) {
		body := strings.NewReader("message=" + strings.Repeat("x", 2<<20))
		resp, err := client.Post(base+"/login", "application/x-www-form-urlencoded", body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Fatalf("status %d, want a 4xx", resp.StatusCode)
		}
	})

	// SIGTERM: the server stops cleanly and releases the store at once.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the server did not exit cleanly on SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not stop within 20 s of SIGTERM")
	}
	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatalf("the store is not free after shutdown: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(controlSocket(dir)); !os.IsNotExist(err) {
		t.Errorf("the control socket was left behind")
	}
}

func TestServeTrustedProxyFlag(t *testing.T) {
	var stderr strings.Builder
	e := &env{stderr: &stderr, getenv: func(k string) string {
		if k == "SIGNPOST_TRUSTED_PROXY" {
			return "192.0.2.1"
		}
		return ""
	}}
	opts, err := parseServeFlags(e, []string{"--trusted-proxy", "10.0.0.0/8,fd00::/8", "--trusted-proxy", "172.16.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range opts.trustedProxies {
		got = append(got, p.String())
	}
	if want := "192.0.2.1/32 10.0.0.0/8 fd00::/8 172.16.0.1/32"; strings.Join(got, " ") != want {
		t.Errorf("trusted proxies %v, want %s", got, want)
	}
	if _, err := parseServeFlags(e, []string{"--trusted-proxy", "proxy.example"}); err == nil || !strings.Contains(err.Error(), `"proxy.example" is not an address`) {
		t.Errorf("a name for a proxy: %v", err)
	}
}

func TestServeBaseURL(t *testing.T) {
	e := &env{stderr: io.Discard, getenv: func(k string) string {
		if k == "SIGNPOST_BASE_URL" {
			return "https://from-env.example"
		}
		return ""
	}}
	opts, err := parseServeFlags(e, nil)
	if err != nil || opts.site.BaseURL() != "https://from-env.example" {
		t.Errorf("from the environment: %q, %v", opts.site.BaseURL(), err)
	}
	opts, err = parseServeFlags(e, []string{"--base-url", "https://signpost.example/"})
	if err != nil || opts.site.BaseURL() != "https://signpost.example" || !opts.site.Secure(nil) {
		t.Errorf("from the flag: %q, %v", opts.site.BaseURL(), err)
	}
	if _, err := parseServeFlags(e, []string{"--base-url", "signpost.example"}); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("a base URL without a scheme: %v", err)
	}

	noEnv := &env{stderr: io.Discard, getenv: func(string) string { return "" }}
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--addr", "127.0.0.1:8080"}, false},
		{[]string{"--addr", "localhost:8080"}, false},
		{[]string{"--addr", ":8080"}, true},
		{[]string{"--addr", "0.0.0.0:8080"}, true},
		{[]string{"--addr", "0.0.0.0:8080", "--base-url", "https://signpost.example"}, false},
	} {
		opts, err := parseServeFlags(noEnv, tt.args)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		warnWithoutBaseURL(&out, opts)
		if got := strings.Contains(out.String(), "--base-url is not set"); got != tt.warn {
			t.Errorf("%v: warned %v, want %v: %q", tt.args, got, tt.warn, out.String())
		}
	}
}

func TestServeGapMilesFlag(t *testing.T) {
	var stderr strings.Builder
	e := &env{stderr: &stderr, getenv: func(string) string { return "" }}
	for _, tt := range []struct {
		args    []string
		want    float64
		wantErr string
	}{
		{nil, 3, ""},
		{[]string{"--gap-miles", "1.5"}, 1.5, ""},
		{[]string{"--gap-miles", "0"}, 0, "--gap-miles: 0 is not a distance"},
		{[]string{"--gap-miles", "500"}, 0, "--gap-miles: 500 is not a distance"},
	} {
		opts, err := parseServeFlags(e, tt.args)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err %v, want %q", tt.args, err, tt.wantErr)
			}
		case err != nil || opts.gapMiles != tt.want:
			t.Errorf("%v: %g, %v; want %g", tt.args, opts.gapMiles, err, tt.want)
		}
	}
}
