package web

import (
	"image"
	"image/color"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

var (
	qrViewBoxRE = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	qrRunRE     = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)
)

// decodeQRSVG reads a QR code drawn by qrSVG back to its text, as a phone
// would: the SVG's modules are drawn into a picture, which a QR reader
// (gozxing, a port of ZXing) decodes.
func decodeQRSVG(t *testing.T, svg string) string {
	t.Helper()
	vb := qrViewBoxRE.FindStringSubmatch(svg)
	if vb == nil {
		t.Fatalf("no viewBox in %.80q", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	const scale = 6
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	runs := qrRunRE.FindAllStringSubmatch(svg, -1)
	if len(runs) == 0 {
		t.Fatal("no dark modules in the SVG")
	}
	for _, m := range runs {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for px := x * scale; px < (x+w)*scale; px++ {
			for py := y * scale; py < (y+1)*scale; py++ {
				img.SetGray(px, py, color.Gray{Y: 0})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

func TestQRSVGDecodes(t *testing.T) {
	for _, text := range []string{
		"http://127.0.0.1:8080/s/abc",
		"https://signpost.example.org/s/Qm9vdGxlIGdhcmRlbmluZyBjbHViIGxpc3Q",
	} {
		svg, err := qrSVG(text, "QR code")
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQRSVG(t, string(svg)); got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

// TestShareQR: the page that makes a share link, the shared copy and the
// printouts carrying the link show it as a QR code that decodes to it.
func TestShareQR(t *testing.T) {
	site := newListSite(t)
	svc := site.sampleServices(t, 1)[0]
	v := site.linkWorker(t, "qr@example.org")
	list := startList(t, v, "Mrs K", svc)
	shared := v.submit(list, `form[action$="/share"]`, nil)
	link := shared.doc.Find("#share-url").AttrOr("value", "")
	if link == "" {
		t.Fatal("no share link")
	}
	svgOf := func(p *testPage, sel string) string {
		t.Helper()
		html, err := p.doc.Find(sel).First().Parent().Html()
		if err != nil || p.doc.Find(sel).Length() == 0 {
			t.Fatalf("no %s on %s", sel, p.url)
		}
		return html
	}
	pages := map[string]*testPage{
		"the share page":             shared,
		"the owner's printout":       v.submit(shared, `form[action$="/print"]`, nil),
		"the shared copy":            site.visitor(t).get(link),
		"the shared copy's printout": site.visitor(t).get(link + "/print"),
	}
	for name, p := range pages {
		if got := decodeQRSVG(t, svgOf(p, "svg.qr-code")); got != link {
			t.Errorf("%s: the QR code reads %q, want %q", name, got, link)
		}
	}
	if v.get(list.url.Path+"/print").doc.Find("svg.qr-code").Length() != 0 {
		t.Error("a printout without a share link has a QR code")
	}
}
