package catalogue

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is one problem of a file, where it is: line and column (1-based; 0 when the problem
// belongs to no line or column) and the column's header or key.
type Error struct {
	Line   int
	Column int
	Field  string
	Msg    string
}

func (e Error) Error() string {
	var at string
	switch {
	case e.Line > 0 && e.Column > 0 && e.Field != "":
		at = fmt.Sprintf("line %d, column %d (%s): ", e.Line, e.Column, e.Field)
	case e.Line > 0 && e.Column > 0:
		at = fmt.Sprintf("line %d, column %d: ", e.Line, e.Column)
	case e.Line > 0 && e.Field != "":
		at = fmt.Sprintf("line %d (%s): ", e.Line, e.Field)
	case e.Line > 0:
		at = fmt.Sprintf("line %d: ", e.Line)
	}
	return at + e.Msg
}

// Errors are a file's problems, in the order they were found. A file with any is refused whole.
type Errors []Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// add keeps an error, up to a bound: a file of garbage must not make a page of megabytes.
func (es *Errors) add(e Error) {
	switch n := len(*es); {
	case n < maxErrorsKept:
		*es = append(*es, e)
	case n == maxErrorsKept:
		*es = append(*es, Error{Msg: fmt.Sprintf("more problems follow; fix these %d first", maxErrorsKept)})
	}
}

// position turns a byte offset of data into a line and a column counted in characters.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + strings.Count(string(data[:off]), "\n")
	start := strings.LastIndexByte(string(data[:off]), '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}

// prepare reads at most MaxFileSize bytes and checks what every format needs: a size, UTF-8
// without a BOM (a UTF-8 BOM is dropped), some content.
func prepare(data []byte, tooBig bool) ([]byte, Errors) {
	if tooBig {
		return nil, Errors{{Msg: fmt.Sprintf("the file is larger than %d KiB; a catalogue file is far smaller", MaxFileSize>>10)}}
	}
	switch {
	case len(data) >= 2 && ((data[0] == 0xff && data[1] == 0xfe) || (data[0] == 0xfe && data[1] == 0xff)):
		return nil, Errors{{Line: 1, Msg: "the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"}}
	}
	data = []byte(strings.TrimPrefix(string(data), "\uFEFF"))
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line, col := position(data, off)
		return nil, Errors{{Line: line, Column: col, Msg: fmt.Sprintf("byte 0x%02X is not valid UTF-8 text; save the file as UTF-8", data[off])}}
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, Errors{{Msg: "the file is empty"}}
	}
	return data, nil
}
