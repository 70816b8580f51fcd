package mail_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// relayServer is an SMTP server in the test process that records what it
// accepts, and can be told to refuse everything for a while.
type relayServer struct {
	addr string

	mu       sync.Mutex
	refusing bool
	got      []received
	attempts int
}

type received struct {
	From, To string
	Data     []byte
}

const relayUser, relayPass = "signpost", "relay secret"

func startRelay(t *testing.T) *relayServer {
	t.Helper()
	rs := &relayServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &relaySession{rs: rs}, nil
	}))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = discardLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rs.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return rs
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

// url is the --smtp address of the server.
func (rs *relayServer) url() string {
	return "smtp://" + relayUser + ":" + strings.ReplaceAll(relayPass, " ", "%20") + "@" + rs.addr
}

func (rs *relayServer) refuse(on bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.refusing = on
}

func (rs *relayServer) letters() []received {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]received(nil), rs.got...)
}

func (rs *relayServer) tries() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.attempts
}

type relaySession struct {
	rs       *relayServer
	authed   bool
	from, to string
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != relayUser || pass != relayPass {
			return errors.New("wrong user or password")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.rs.mu.Lock()
	defer s.rs.mu.Unlock()
	s.rs.attempts++
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	if s.rs.refusing {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	s.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.rs.mu.Lock()
	defer s.rs.mu.Unlock()
	s.rs.got = append(s.rs.got, received{From: s.from, To: s.to, Data: b})
	return nil
}

func (s *relaySession) Reset()        {}
func (s *relaySession) Logout() error { return nil }

// parsed is a received letter's headers and decoded parts.
type parsed struct {
	Header     mail.Header
	Text, HTML string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{Header: msg.Header}
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		p.Header["Subject"] = []string{subj}
	}
	var walk func(ctype string, enc string, body io.Reader)
	walk = func(ctype, enc string, body io.Reader) {
		media, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatalf("content type %q: %v", ctype, err)
		}
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			}
		}
		if strings.EqualFold(enc, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch media {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return p
}
