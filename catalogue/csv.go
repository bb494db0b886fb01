package catalogue

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"rightsdesk/access"
)

// readAll reads at most MaxFileSize bytes of r, and says whether there was more.
func readAll(r io.Reader) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	return data, len(data) > MaxFileSize, err
}

// Parse reads a file in format "csv" or "json"; "" detects it from the first character.
func Parse(r io.Reader, format string) ([]Row, Errors) {
	data, tooBig, err := readAll(r)
	if err != nil {
		return nil, Errors{{Msg: "the file could not be read"}}
	}
	if format == "" {
		format = Detect(data)
	}
	if format == "json" {
		return parseJSON(data, tooBig)
	}
	return parseCSV(data, tooBig)
}

// Detect says whether data looks like JSON (it starts with [ or {) or else CSV.
func Detect(data []byte) string {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\uFEFF")), " \t\r\n")
	if len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		return "json"
	}
	return "csv"
}

// ParseCSV reads a catalogue from CSV: a header row naming the columns (in any order, in French,
// Dutch, English or German, see headers), then one cookie per row. Separators ",", ";" (Excel
// in Belgium) and tab (a table copied from a page) are told apart by the header line.
func ParseCSV(r io.Reader) ([]Row, Errors) {
	data, tooBig, err := readAll(r)
	if err != nil {
		return nil, Errors{{Msg: "the file could not be read"}}
	}
	return parseCSV(data, tooBig)
}

func parseCSV(data []byte, tooBig bool) ([]Row, Errors) {
	data, errs := prepare(data, tooBig)
	if errs != nil {
		return nil, errs
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1
	syntax := func(err error) Errors {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader counts columns in bytes; people count characters.
			lines := bytes.SplitAfter(data, []byte("\n"))
			col := pe.Column
			if pe.Line >= 1 && pe.Line <= len(lines) {
				_, col = position(lines[pe.Line-1], pe.Column-1)
			}
			if errors.Is(pe.Err, csv.ErrQuote) { // found at the end of the file: the start is what helps
				return Errors{{Line: pe.StartLine, Msg: csvReason(pe.Err)}}
			}
			return Errors{{Line: pe.Line, Column: col, Msg: csvReason(pe.Err)}}
		}
		return Errors{{Msg: "the file could not be read as CSV"}}
	}

	head, err := cr.Read()
	if err != nil {
		return nil, syntax(err)
	}
	cols := map[string]int{} // field key → 0-based column
	for i, h := range head {
		line, _ := cr.FieldPos(i)
		name := strings.TrimSpace(h)
		key, ok := headers[norm(name)]
		switch {
		case name == "":
			errs.add(Error{Line: line, Column: i + 1, Msg: "the column has no heading; name it (for example name, provider, category) or remove it"})
		case !ok:
			errs.add(Error{Line: line, Column: i + 1, Field: cut(name), Msg: "unknown column; the columns are " + strings.Join(Columns, ", ")})
		default:
			if j, dup := cols[key]; dup {
				errs.add(Error{Line: line, Column: i + 1, Field: cut(name), Msg: fmt.Sprintf("this is the %s column again (column %d is %q)", key, j+1, cut(strings.TrimSpace(head[j])))})
			} else {
				cols[key] = i
			}
		}
	}
	for _, f := range Required {
		if _, ok := cols[f]; !ok {
			errs.add(Error{Line: 1, Msg: "no column for " + headerNames(f)})
		}
	}
	if errs != nil {
		return nil, errs
	}

	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, syntax(err)...)
			return nil, errs
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // spreadsheets write rows of empty cells after the table
		}
		if len(rows) == MaxRows {
			errs.add(Error{Line: line, Msg: fmt.Sprintf("more than %d cookies; a catalogue holds at most %d", MaxRows, MaxRows)})
			return nil, errs
		}
		if len(rec) != len(head) {
			errs.add(Error{Line: line, Msg: fmt.Sprintf("%d cells, but the header names %d columns", len(rec), len(head))})
			rows = append(rows, Row{Line: line})
			continue
		}
		raw := map[string]string{}
		for key, i := range cols {
			raw[key] = unescapeCell(strings.TrimSpace(rec[i]))
		}
		row, fe := Build(raw)
		row.Line = line
		for _, key := range Columns {
			if msg, bad := fe[key]; bad {
				i, ok := cols[key]
				if !ok { // a rule about a field whose column is absent: point at the row
					errs.add(Error{Line: line, Field: key, Msg: msg})
					continue
				}
				l, _ := cr.FieldPos(i)
				errs.add(Error{Line: l, Column: i + 1, Field: cut(strings.TrimSpace(head[i])), Msg: msg})
			}
		}
		rows = append(rows, row)
	}
	nameCol := cols[FieldName]
	for _, d := range duplicates(rows) {
		errs.add(Error{Line: d.line, Column: nameCol + 1, Field: cut(strings.TrimSpace(head[nameCol])), Msg: d.msg})
	}
	for _, d := range disagreements(rows) {
		e := Error{Line: d.line, Field: FieldProviderCountry, Msg: d.msg}
		if i, ok := cols[FieldProviderCountry]; ok {
			e.Column, e.Field = i+1, cut(strings.TrimSpace(head[i]))
		}
		errs.add(e)
	}
	if len(rows) == 0 && errs == nil {
		errs.add(Error{Line: 2, Msg: "no cookie: the file has a header and nothing under it"})
	}
	if errs != nil {
		return nil, errs
	}
	return rows, nil
}

// separator picks the separator the header line uses most: ",", ";" or tab.
func separator(data []byte) rune {
	head, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', 0
	for _, sep := range []rune{',', ';', '\t'} {
		if c := countOutsideQuotes(head, byte(sep)); c > n {
			best, n = sep, c
		}
	}
	return best
}

func countOutsideQuotes(line []byte, b byte) int {
	n, quoted := 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == b && !quoted:
			n++
		}
	}
	return n
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return `a quoted cell that starts on this line is not closed, or a " inside it is not doubled ("")`
	case errors.Is(err, csv.ErrBareQuote):
		return `a " appears inside a cell that is not quoted; quote the cell and double the " ("")`
	}
	return "the line could not be read as CSV"
}

// cut shortens a header someone typed, for a message.
func cut(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

type duplicate struct {
	line  int
	index int // of the row
	msg   string
}

// duplicates finds names given twice: the error is on the later row and names the earlier one.
func duplicates(rows []Row) []duplicate {
	first := map[string]int{}
	var out []duplicate
	for _, r := range rows {
		if r.Name == "" {
			continue
		}
		if l, ok := first[r.Name]; ok {
			out = append(out, duplicate{line: r.Line, msg: fmt.Sprintf("%s is already on line %d; each cookie appears once", shown(r.Name), l)})
			continue
		}
		first[r.Name] = r.Line
	}
	return out
}

// disagreements finds rows that state another country or safeguard for a provider than an
// earlier row of the same provider: the error is on the later row and names the earlier one.
func disagreements(rows []Row) []duplicate {
	first := map[string]Row{}
	var out []duplicate
	for i, r := range rows {
		if !r.StatesPlace() || r.Provider == "" {
			continue
		}
		f, ok := first[r.Provider]
		if !ok {
			first[r.Provider] = r
			continue
		}
		if f.Place() != r.Place() {
			out = append(out, duplicate{r.Line, i, fmt.Sprintf("the provider %s is given %s on line %d and %s here; every row of a provider states the same country and safeguard (or leaves them empty)",
				shown(r.Provider), placeText(f), f.Line, placeText(r))})
		}
	}
	return out
}

// placeText is a provider's place for a message: US, dpf.
func placeText(r Row) string {
	s := r.Country
	if s == "" {
		s = "no country"
	}
	if r.Safeguard != "" {
		s += ", " + string(r.Safeguard)
	}
	if r.SafeguardText != "" {
		s += ", " + shown(r.SafeguardText)
	}
	return s
}

// Providers are the providers' places the rows state, one per provider in the order of the rows:
// what an import records.
func Providers(rows []Row) []access.Provider {
	var out []access.Provider
	seen := map[string]bool{}
	for _, r := range rows {
		if r.StatesPlace() && r.Provider != "" && !seen[r.Provider] {
			seen[r.Provider] = true
			out = append(out, r.Place())
		}
	}
	return out
}

// Spreadsheets run a cell that starts with =, +, - or @ as a formula. An export prefixes such a
// cell (and one starting with ') with ', and an import drops that prefix again, so a catalogue
// goes out safe and comes back as it was.
func escapeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@'", rune(v[0])) {
		return "'" + v
	}
	return v
}

func unescapeCell(v string) string {
	if len(v) >= 2 && v[0] == '\'' && strings.ContainsRune("=+-@'", rune(v[1])) {
		return v[1:]
	}
	return v
}
