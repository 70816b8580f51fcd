package web

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// Share links are printed and shown as QR codes, drawn here as inline SVG
// so that no image service ever sees a link.

// qrQuiet is the blank margin around the code, in modules, that scanners
// need (the standard's four).
const qrQuiet = 4

// qrSVG draws text as a QR code: black modules as one path on a white
// square, sized by CSS. label is its accessible name.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	var bm bitmapWriter
	if err := code.Save(&bm); err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	n := len(bm.bits) + 2*qrQuiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`,
		n, n, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	// One run of dark modules in a row is one rectangle.
	for y, row := range bm.bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start+qrQuiet, y+qrQuiet, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}

// bitmapWriter keeps the code's modules, true for dark.
type bitmapWriter struct{ bits [][]bool }

func (w *bitmapWriter) Write(m qrcode.Matrix) error {
	w.bits = m.Bitmap()
	return nil
}

func (w *bitmapWriter) Close() error { return nil }
