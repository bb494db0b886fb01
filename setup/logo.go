package setup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"

	"golang.org/x/image/webp"
)

// Limits of a logo: small enough for a page header and a letter, and for a page that shows it not
// to wait on it.
const (
	MaxLogoBytes  = 256 << 10
	MaxLogoPixels = 2048 // per side
)

// Logo is an image checked to be a logo the portal may show.
type Logo struct {
	ContentType   string
	Data          []byte
	SHA256        string
	Width, Height int
}

// decoders are the raster formats taken, by the type content sniffing gives. SVG is not among them:
// it is a document that can carry script.
var decoders = map[string]struct {
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}{
	"image/png": {
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
	},
	"image/jpeg": {
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
	},
	"image/webp": {
		func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	},
}

// CheckLogo takes an uploaded file as a logo, or says why not. The type comes from the content
// (sniffed, whatever the file's name or the browser claims), and the whole image is decoded, so
// what is kept is an image of that type and nothing else that merely starts like one.
func CheckLogo(data []byte) (Logo, string) {
	if len(data) == 0 {
		return Logo{}, "Choose an image file."
	}
	if len(data) > MaxLogoBytes {
		return Logo{}, LogoTooLarge(int64(len(data)))
	}
	ct := http.DetectContentType(data)
	d, ok := decoders[ct]
	if !ok {
		if looksLikeSVG(data) {
			return Logo{}, "SVG images are not taken: an SVG file can carry script. Export the logo as PNG, JPEG or WebP."
		}
		return Logo{}, "This file is not a PNG, JPEG or WebP image. Export the logo in one of these formats."
	}
	cfg, err := d.config(data)
	if err != nil {
		return Logo{}, "This file is not a readable " + strings.TrimPrefix(ct, "image/") + " image."
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoPixels || cfg.Height > MaxLogoPixels {
		return Logo{}, fmt.Sprintf("The image is %d × %d pixels; a logo may be at most %d pixels on each side.", cfg.Width, cfg.Height, MaxLogoPixels)
	}
	if _, err := d.decode(data); err != nil {
		return Logo{}, "This file is not a readable " + strings.TrimPrefix(ct, "image/") + " image."
	}
	sum := sha256.Sum256(data)
	return Logo{ContentType: ct, Data: data, SHA256: hex.EncodeToString(sum[:]), Width: cfg.Width, Height: cfg.Height}, ""
}

// LogoTooLarge says that a file of size bytes is too large for a logo.
func LogoTooLarge(size int64) string {
	return fmt.Sprintf("The image is %d KiB; a logo may be at most %d KiB. Save it smaller (a PNG of a few hundred pixels is plenty).",
		(size+1023)/1024, MaxLogoBytes>>10)
}

func looksLikeSVG(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 1024)]))
	return strings.Contains(head, "<svg") || strings.Contains(head, "image/svg")
}
