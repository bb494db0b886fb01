package events_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// staffPages are the files that may show an event's message: the staff's case page and audit
// log, which show the English sentence (English of the detail).
var staffPages = []string{"views/case_templ.go", "views/audit_templ.go"}

// No page reads an event's sentence back: outside package models (where the data migration of
// 00035 is the only reader of sentences) and the staff pages, no Go source of cases/, views/ and
// handlers/ reads the Message of a models.Event, and none uses regexp at all. The check
// type-checks the packages, so it finds e.Message whatever the variable is called.
func TestNoPageReadsAnEventSentence(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkgs := []string{"rightsdesk/cases", "rightsdesk/views", "rightsdesk/handlers"}
	list := exec.Command("go", append([]string{"list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles"}, pkgs...)...)
	list.Stderr = os.Stderr
	out, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	type pkg struct {
		ImportPath, Dir, Export string
		GoFiles                 []string
	}
	byPath := map[string]pkg{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		byPath[p.ImportPath] = p
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(byPath[path].Export)
	})
	for _, path := range pkgs {
		p := byPath[path]
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			for _, is := range f.Imports {
				if is.Path.Value == `"regexp"` {
					t.Errorf("%s imports regexp: pages say events from their details (package events), not by reading sentences", name)
				}
			}
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		if _, err := (&types.Config{Importer: imp}).Check(path, fset, files, info); err != nil {
			t.Fatal(err)
		}
		for sel, s := range info.Selections {
			if sel.Sel.Name != "Message" || s.Kind() != types.FieldVal {
				continue
			}
			recv := s.Recv()
			if ptr, ok := recv.(*types.Pointer); ok {
				recv = ptr.Elem()
			}
			named, ok := recv.(*types.Named)
			if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "rightsdesk/models" || named.Obj().Name() != "Event" {
				continue
			}
			pos := fset.Position(sel.Pos())
			rel, _ := filepath.Rel(root, pos.Filename)
			if !slices.Contains(staffPages, filepath.ToSlash(rel)) {
				t.Errorf("%s:%d reads an event's Message: read its detail (models.Event.Decoded), or LegacyMessage for an event without one", rel, pos.Line)
			}
		}
	}
	if t.Failed() {
		t.Log("pages say events from their details; " + strings.Join(staffPages, " and ") + " show staff the English sentence")
	}
}
