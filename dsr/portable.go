package dsr

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// PortableFormat is a structured, commonly used and machine-readable format (Art. 20(1)) in which
// data is handed over for portability.
type PortableFormat string

const (
	FormatJSON PortableFormat = "json"
	FormatCSV  PortableFormat = "csv"
	FormatXML  PortableFormat = "xml"
)

// ContentType is the media type a file of format f is served with.
func (f PortableFormat) ContentType() string {
	switch f {
	case FormatJSON:
		return "application/json"
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXML:
		return "application/xml"
	}
	return "application/octet-stream"
}

// CheckPortable checks that a file given for portability is what Art. 20(1) asks: JSON, CSV or
// XML, named for its format, in UTF-8 and well formed, so that the requester (or the next
// controller) can read it with common tools. It returns the format, or why the file is refused.
func CheckPortable(name string, data []byte) (PortableFormat, string) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	f := PortableFormat(ext)
	switch f {
	case FormatJSON, FormatCSV, FormatXML:
	default:
		return "", fmt.Sprintf("%q is not a structured, machine-readable file: for portability (Art. 20(1)) give the data as JSON, CSV or XML, named .json, .csv or .xml.", name)
	}
	if !utf8.Valid(data) {
		return "", fmt.Sprintf("%q is not UTF-8 text: save it as UTF-8 so that any tool can read it.", name)
	}
	var err error
	switch f {
	case FormatJSON:
		if !json.Valid(data) {
			err = errors.New("it is not valid JSON")
		}
	case FormatCSV:
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
		r.FieldsPerRecord = 0 // every row as wide as the first
		rows := 0
		for {
			_, e := r.Read()
			if e == io.EOF {
				break
			}
			if e != nil {
				err = fmt.Errorf("it is not well-formed CSV (%v)", e)
				break
			}
			rows++
		}
		if err == nil && rows == 0 {
			err = errors.New("it holds no row")
		}
	case FormatXML:
		err = checkXML(data)
	}
	if err != nil {
		return "", fmt.Sprintf("%q cannot be handed over: %v.", name, err)
	}
	return f, ""
}

// checkXML reads every token of data: a well-formed document with one root element.
func checkXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	roots, depth := 0, 0
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("it is not well-formed XML (%v)", err)
		}
		switch t.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 {
		return errors.New("it is not an XML document with one root element")
	}
	return nil
}
