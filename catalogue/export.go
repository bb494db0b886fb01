package catalogue

import (
	"encoding/csv"
	"encoding/json"
	"io"
)

// WriteCSV writes rows with a header of Columns, comma-separated, in UTF-8 with a BOM so that
// spreadsheets read the accents right. ParseCSV reads it back to the same rows.
func WriteCSV(w io.Writer, rows []Row) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what Excel writes
	if err := cw.Write(Columns); err != nil {
		return err
	}
	rec := make([]string, len(Columns))
	for _, r := range rows {
		for i, f := range Columns {
			rec[i] = escapeCell(r.Value(f))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes {"cookies": [...]}, each cookie with every key of Columns. ParseJSON reads it
// back to the same rows.
func WriteJSON(w io.Writer, rows []Row) error {
	type obj = map[string]any // encoding/json writes map keys sorted: a stable file
	out := struct {
		Cookies []obj `json:"cookies"`
	}{Cookies: make([]obj, 0, len(rows))}
	for _, r := range rows {
		o := obj{}
		for _, f := range Columns {
			o[f] = r.Value(f)
		}
		o[FieldIdentifying] = r.Identifying
		out.Cookies = append(out.Cookies, o)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
