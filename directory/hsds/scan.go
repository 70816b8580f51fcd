package hsds

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Limits on what one file may hold. They exist so that a hostile or broken
// file cannot exhaust memory or the stack, and so that nothing the size of a
// book ends up stored as a description.
const (
	// MaxRecordBytes is the largest one record (a service, or an
	// organization without its services) may be in its JSON form.
	MaxRecordBytes = 2 << 20
	// MaxDepth is the deepest nesting of objects and arrays accepted.
	// The deepest HSDS shape (an envelope of organizations holding services,
	// their locations, contacts, phones, languages, attributes, terms and
	// metadata) is under 20 levels.
	MaxDepth = 64
)

// SyntaxError is a fault in the JSON text itself. It stops the whole file,
// since nothing after it can be trusted to be where it seems.
type SyntaxError struct {
	Line   int   // 1-based line where the fault was found
	Offset int64 // bytes read when the fault was found
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d (byte %d): %s", e.Line, e.Offset, e.Msg)
}

// captureBuf collects the bytes of one value up to a limit; past the limit it
// only counts, so an oversized record is skipped and reported without being
// held in memory.
type captureBuf struct {
	data  []byte
	size  int64
	limit int
}

func newCapture(limit int) *captureBuf { return &captureBuf{limit: limit} }

func (c *captureBuf) addByte(b byte) {
	c.size++
	if c.size <= int64(c.limit) {
		c.data = append(c.data, b)
	}
}

func (c *captureBuf) add(b ...byte) {
	c.size += int64(len(b))
	if c.size <= int64(c.limit) {
		c.data = append(c.data, b...)
	}
}

func (c *captureBuf) overflowed() bool { return c.size > int64(c.limit) }

// scanner reads JSON text byte by byte, checking its syntax strictly, and
// copies the bytes of the values it is asked to capture. It is used instead
// of json.Decoder so that the limits apply before a value is buffered and so
// that every error names a line.
type scanner struct {
	r      *bufio.Reader
	offset int64 // bytes consumed so far
	line   int   // line of the next byte, 1-based
	depth  int
	// capture, when non-nil, receives every byte consumed.
	capture *captureBuf
}

func newScanner(r io.Reader) *scanner {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 4096 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &scanner{r: br, line: 1}
}

func (s *scanner) errorf(format string, args ...any) error {
	return &SyntaxError{Line: s.line, Offset: s.offset, Msg: fmt.Sprintf(format, args...)}
}

// next consumes one byte; the end of input here is always premature, since
// callers only ask for a byte when the grammar requires one.
func (s *scanner) next() (byte, error) {
	c, err := s.r.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, s.errorf("unexpected end of input (truncated JSON?)")
		}
		return 0, fmt.Errorf("read: %w", err)
	}
	s.offset++
	if c == '\n' {
		s.line++
	}
	if s.capture != nil {
		s.capture.addByte(c)
	}
	return c, nil
}

// plainRun consumes the run of buffered string bytes that need no
// attention (no quote, backslash or control character) in one step: most of
// a record's bytes are such runs, and taking them a byte at a time was the
// scanner's main cost.
func (s *scanner) plainRun() error {
	buf, _ := s.r.Peek(s.r.Buffered())
	i := 0
	for i < len(buf) {
		c := buf[i]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	if i == 0 {
		return nil
	}
	if s.capture != nil {
		s.capture.add(buf[:i]...)
	}
	s.offset += int64(i)
	_, err := s.r.Discard(i)
	return err
}

// peek returns the next byte without consuming it; ok is false at the end.
func (s *scanner) peek() (c byte, ok bool, err error) {
	b, err := s.r.Peek(1)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("read: %w", err)
	}
	return b[0], true, nil
}

// skipBOM drops a UTF-8 byte order mark, which some spreadsheet exports put
// at the start of a file.
func (s *scanner) skipBOM() error {
	b, err := s.r.Peek(3)
	if err == nil && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		_, err = s.r.Discard(3)
		s.offset += 3
		return err
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// peekNonSpace skips whitespace and returns the next byte unconsumed.
func (s *scanner) peekNonSpace() (c byte, ok bool, err error) {
	for {
		c, ok, err = s.peek()
		if err != nil || !ok || !isSpace(c) {
			return c, ok, err
		}
		if _, err := s.next(); err != nil {
			return 0, false, err
		}
	}
}

// mustPeek is peekNonSpace where the grammar requires more input.
func (s *scanner) mustPeek() (byte, error) {
	c, ok, err := s.peekNonSpace()
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, s.errorf("unexpected end of input (truncated JSON?)")
	}
	return c, nil
}

// expect consumes the next non-space byte, which must be want.
func (s *scanner) expect(want byte, context string) error {
	c, err := s.mustPeek()
	if err != nil {
		return err
	}
	if c != want {
		return s.errorf("invalid character %s %s", quoteChar(c), context)
	}
	_, err = s.next()
	return err
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	if c >= 0x20 && c < 0x7f {
		return "'" + string(c) + "'"
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > MaxDepth {
		return s.errorf("nesting deeper than %d levels", MaxDepth)
	}
	return nil
}

// captureValue scans one value into c.
func (s *scanner) captureValue(c *captureBuf) error {
	if _, err := s.mustPeek(); err != nil {
		return err
	}
	prev := s.capture
	s.capture = c
	err := s.value()
	s.capture = prev
	return err
}

// value scans one complete JSON value, starting at the next non-space byte.
func (s *scanner) value() error {
	if _, err := s.mustPeek(); err != nil {
		return err
	}
	c, err := s.next()
	if err != nil {
		return err
	}
	switch {
	case c == '{':
		return s.objectRest()
	case c == '[':
		return s.arrayRest()
	case c == '"':
		return s.stringRest()
	case c == 't':
		return s.literalRest("true")
	case c == 'f':
		return s.literalRest("false")
	case c == 'n':
		return s.literalRest("null")
	case c == '-' || isDigit(c):
		return s.numberRest(c)
	}
	return s.errorf("invalid character %s looking for the start of a value", quoteChar(c))
}

func (s *scanner) objectRest() error {
	if err := s.enter(); err != nil {
		return err
	}
	c, err := s.mustPeek()
	if err != nil {
		return err
	}
	if c == '}' {
		_, err := s.next()
		s.depth--
		return err
	}
	for {
		if err := s.expect('"', "looking for an object key"); err != nil {
			return err
		}
		if err := s.stringRest(); err != nil {
			return err
		}
		if err := s.expect(':', "after an object key"); err != nil {
			return err
		}
		if err := s.value(); err != nil {
			return err
		}
		done, err := s.endOfMember('}', "object member")
		if err != nil || done {
			s.depth--
			return err
		}
	}
}

func (s *scanner) arrayRest() error {
	if err := s.enter(); err != nil {
		return err
	}
	c, err := s.mustPeek()
	if err != nil {
		return err
	}
	if c == ']' {
		_, err := s.next()
		s.depth--
		return err
	}
	for {
		if err := s.value(); err != nil {
			return err
		}
		done, err := s.endOfMember(']', "array element")
		if err != nil || done {
			s.depth--
			return err
		}
	}
}

// endOfMember consumes the ',' or closing bracket after a member, reporting
// whether it was the closing one.
func (s *scanner) endOfMember(closing byte, what string) (bool, error) {
	c, err := s.mustPeek()
	if err != nil {
		return false, err
	}
	if c != ',' && c != closing {
		return false, s.errorf("invalid character %s after %s (missing ',' or '%c'?)", quoteChar(c), what, closing)
	}
	if _, err := s.next(); err != nil {
		return false, err
	}
	return c == closing, nil
}

// stringRest scans a string whose opening quote has been consumed. UTF-8
// validity is checked per record by the caller, where it can be reported
// against the record rather than stopping the file.
func (s *scanner) stringRest() error {
	for {
		if err := s.plainRun(); err != nil {
			return err
		}
		c, err := s.next()
		if err != nil {
			return err
		}
		switch {
		case c == '"':
			return nil
		case c == '\\':
			e, err := s.next()
			if err != nil {
				return err
			}
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for range 4 {
					h, err := s.next()
					if err != nil {
						return err
					}
					if !isHex(h) {
						return s.errorf("invalid character %s in \\u escape", quoteChar(h))
					}
				}
			default:
				return s.errorf("invalid escape %s in string", quoteChar(e))
			}
		case c < 0x20:
			return s.errorf("control character %s in string (unescaped newline?)", quoteChar(c))
		}
	}
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (s *scanner) literalRest(word string) error {
	for i := 1; i < len(word); i++ {
		c, err := s.next()
		if err != nil {
			return err
		}
		if c != word[i] {
			return s.errorf("invalid character %s in literal %s", quoteChar(c), word)
		}
	}
	return nil
}

// numberRest scans the rest of a number by the JSON grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (s *scanner) numberRest(first byte) error {
	c := first
	if c == '-' {
		var err error
		if c, err = s.next(); err != nil {
			return err
		}
		if !isDigit(c) {
			return s.errorf("invalid character %s in number", quoteChar(c))
		}
	}
	if c != '0' {
		if err := s.moreDigits(); err != nil {
			return err
		}
	}
	if p, ok, err := s.peek(); err != nil {
		return err
	} else if ok && p == '.' {
		if _, err := s.next(); err != nil {
			return err
		}
		if err := s.digits(); err != nil {
			return err
		}
	}
	if p, ok, err := s.peek(); err != nil {
		return err
	} else if ok && (p == 'e' || p == 'E') {
		if _, err := s.next(); err != nil {
			return err
		}
		if p, ok, err := s.peek(); err != nil {
			return err
		} else if ok && (p == '+' || p == '-') {
			if _, err := s.next(); err != nil {
				return err
			}
		}
		if err := s.digits(); err != nil {
			return err
		}
	}
	return nil
}

// digits consumes a run of one or more digits.
func (s *scanner) digits() error {
	c, ok, err := s.peek()
	switch {
	case err != nil:
		return err
	case !ok:
		return s.errorf("unexpected end of input in number")
	case !isDigit(c):
		return s.errorf("invalid character %s in number", quoteChar(c))
	}
	return s.moreDigits()
}

// moreDigits consumes a run of digits, which may be empty.
func (s *scanner) moreDigits() error {
	for {
		c, ok, err := s.peek()
		if err != nil {
			return err
		}
		if !ok || !isDigit(c) {
			return nil
		}
		if _, err := s.next(); err != nil {
			return err
		}
	}
}
