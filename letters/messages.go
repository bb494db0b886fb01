package letters

import (
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"text/template/parse"

	"rightsdesk/dsr"
	"rightsdesk/locale"
)

// Message ids.
//
//   - <kind>.<part>: a letter's own subject, headings and paragraphs ("refused.art12_5").
//   - common.<part>, guidance.<part>, footer.<part>: blocks every requester letter shares (greeting,
//     status link, complaint guidance, controller footer); staff.<part>: blocks every staff letter
//     shares. Messages(k) lists a shared id under every letter that uses it; overriding it changes
//     it in all of them, so CheckOverride holds it to the variables all of them have.
//   - month.*, format.*, zone.*, right.*, article.*, ground.*, result.*, role.*, category.*, label.*,
//     recipient.*: the vocabulary (month names, date layout, names of rights, grounds and cookie
//     categories, table labels, what became of a recipient). It is translated with the rest but not offered for override: it is the same words
//     in every letter, and a table label reworded per controller would buy nothing.
var vocabulary = []string{"month.", "format.", "zone.", "right.", "article.", "ground.", "result.", "role.", "category.", "label.", "recipient."}

func isVocabulary(id string) bool {
	for _, p := range vocabulary {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// messagesOf holds, per letter, the overridable ids it uses: its subject, then the ids its text and
// HTML layouts name (found by walking the parsed templates, so the list cannot drift from them),
// then the ids the layout picks at run time.
var messagesOf = func() map[Kind][]string {
	txt := parseLayouts("templates/*.txt")
	html := parseLayouts("templates/*.html")
	out := map[Kind][]string{}
	for _, k := range Kinds {
		ids := []string{string(k) + ".subject"}
		add := func(id string) {
			if !isVocabulary(id) && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		collect(txt, string(k)+".txt", add)
		collect(html, string(k)+".html", add)
		if k == Completed { // OutcomeIntro picks these by the kinds answered
			for _, dk := range dsr.Kinds {
				add("completed." + string(dk))
			}
			add("completed.consent_withdrawal_undated")
			add("completed.refusal") // RefusalIntro picks these by a right's result
			add("completed.refusal_partial")
		}
		out[k] = ids
	}
	return out
}()

// Messages returns the ids of the messages an administrator may override for letter k, subject
// first, in the order the letter shows them. Shared blocks are included (see the id scheme above).
func Messages(k Kind) []string { return slices.Clone(messagesOf[k]) }

// UsedBy returns the letters that use message id, so that an admin page can say that overriding a
// shared block changes several letters.
func UsedBy(id string) []Kind {
	var ks []Kind
	for _, k := range Kinds {
		if slices.Contains(messagesOf[k], id) {
			ks = append(ks, k)
		}
	}
	return ks
}

func overridable(k Kind, id string) bool { return slices.Contains(messagesOf[k], id) }

// Default returns the shipped wording of message id in lang (a template), and whether it exists.
func Default(lang, id string) (string, bool) { return catalog.Source(lang, id) }

// Variables returns the names of the variables letter k's messages may use, sorted, without the
// leading dot ("Reference" is written {{.Reference}}). Every variable is text already written in
// the letter's language: dates as "3 mars 2026", rights as "Accès, Effacement".
func Variables(k Kind) []string {
	if !k.Known() {
		return nil
	}
	p := newPage(k, Sample(k, locale.Fallback), nil)
	names := make([]string, 0, len(p.vars))
	for n := range p.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// MessageVariables returns the variables message id may use: those of every letter that uses it
// (for a shared block, the variables all those letters have).
func MessageVariables(id string) []string {
	var common []string
	for i, k := range UsedBy(id) {
		vs := Variables(k)
		if i == 0 {
			common = vs
			continue
		}
		common = slices.DeleteFunc(common, func(v string) bool { return !slices.Contains(vs, v) })
	}
	return common
}

// parseLayouts parses layout files for analysis only (the func check is off: the layouts call
// methods, not funcs). Text and HTML layouts are parsed apart, as they are for rendering.
func parseLayouts(pattern string) map[string]*parse.Tree {
	names, err := fs.Glob(files, pattern)
	if err != nil {
		panic(err)
	}
	trees := map[string]*parse.Tree{}
	for _, name := range names {
		buf, err := fs.ReadFile(files, name)
		if err != nil {
			panic(err)
		}
		t := parse.New(path.Base(name))
		t.Mode = parse.SkipFuncCheck
		if _, err := t.Parse(string(buf), "", "", trees); err != nil {
			panic(err)
		}
	}
	return trees
}

// collect calls add with every message id the template name uses, through the templates it
// includes: the string argument of a call to the page's T, P or H method.
func collect(trees map[string]*parse.Tree, name string, add func(string)) {
	seen := map[string]bool{}
	var node func(parse.Node)
	var pipe func(*parse.PipeNode)
	pipe = func(pn *parse.PipeNode) {
		if pn == nil {
			return
		}
		for _, cmd := range pn.Cmds {
			for i, arg := range cmd.Args {
				switch a := arg.(type) {
				case *parse.PipeNode:
					pipe(a)
				case *parse.FieldNode, *parse.VariableNode:
					if m := methodName(a); (m == "T" || m == "P" || m == "H") && i+1 < len(cmd.Args) {
						if s, ok := cmd.Args[i+1].(*parse.StringNode); ok {
							add(s.Text)
						}
					}
				}
			}
		}
	}
	node = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					node(c)
				}
			}
		case *parse.ActionNode:
			pipe(n.Pipe)
		case *parse.IfNode:
			pipe(n.Pipe)
			node(n.List)
			node(n.ElseList)
		case *parse.RangeNode:
			pipe(n.Pipe)
			node(n.List)
			node(n.ElseList)
		case *parse.WithNode:
			pipe(n.Pipe)
			node(n.List)
			node(n.ElseList)
		case *parse.TemplateNode:
			pipe(n.Pipe)
			if t := trees[n.Name]; t != nil && !seen[n.Name] {
				seen[n.Name] = true
				node(t.Root)
			}
		}
	}
	if t := trees[name]; t != nil {
		seen[name] = true
		node(t.Root)
	}
}

// methodName is the last identifier of .X or $.X.
func methodName(n parse.Node) string {
	var ident []string
	switch n := n.(type) {
	case *parse.FieldNode:
		ident = n.Ident
	case *parse.VariableNode:
		ident = n.Ident
	}
	if len(ident) == 0 {
		return ""
	}
	return ident[len(ident)-1]
}
