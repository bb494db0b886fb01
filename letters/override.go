package letters

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template/parse"
	"unicode/utf8"

	"rightsdesk/locale"
)

// Overrides is one controller's wording for one language: message id → wording, a template like
// the shipped messages ("Votre demande {{.Reference}} est bien arrivée"). Store them per
// controller and language, check each with CheckOverride before storing, and pass the set for the
// letter's language to RenderWith.
type Overrides map[string]string

// MaxWording is the longest wording an override may have, in characters.
const MaxWording = 4000

// What wording may contain, and why.
//
// An override is written in an admin page and then executed by the server for every letter of
// a controller, to people who must receive it. So the language allowed is the smallest that
// wording needs, and small enough to check completely when the override is saved:
//
//   - text, and {{.Variable}} for one of the letter's variables (see Variables);
//   - {{if .Variable}} … {{else}} … {{end}} on a variable, for optional parts such as a name.
//
// Everything else is refused: functions (printf, call, index, html… — call and index reach
// into values the wording has no business with, and none is needed since variables are already
// formatted), {{template}}, {{define}} and {{block}} (they would reach or redefine the layout
// around the message), {{range}} and {{with}} (variables are single values: nothing to repeat,
// and changing the dot only makes variables ambiguous), $variables, pipelines and fields of
// fields. With that, the parse tree says exactly which variables the wording uses, so a misspelt
// one is refused at save time with the list of the right ones, rather than failing a letter.

// OverrideError says why a wording is refused, in words an administrator understands.
type OverrideError struct {
	ID     string
	Reason string
}

func (e *OverrideError) Error() string { return e.Reason }

// ErrOverride matches every *OverrideError.
var ErrOverride = errors.New("override refused")

func (e *OverrideError) Is(target error) bool { return target == ErrOverride }

// CheckOverride checks wording as an override of message id in letter k and language lang. It
// refuses an unknown letter, language or id, an empty or over-long wording, invalid UTF-8, a
// template that does not parse, an action that is not allowed (see above), a variable the
// message does not have, and a wording that fails to render with the sample letter of every
// letter that uses id.
func CheckOverride(k Kind, lang, id, wording string) error {
	refuse := func(format string, a ...any) error {
		return &OverrideError{ID: id, Reason: fmt.Sprintf(format, a...)}
	}
	switch {
	case !k.Known():
		return refuse("unknown letter %q", k)
	case !locale.Supported(lang):
		return refuse("unknown language %q — letters are written in %s", lang, strings.Join(locale.Languages, ", "))
	case !overridable(k, id):
		return refuse("the letter %q has no message %q — its messages are: %s", k, id, strings.Join(Messages(k), ", "))
	case !utf8.ValidString(wording):
		return refuse("the wording is not valid UTF-8 text")
	case strings.TrimSpace(wording) == "":
		return refuse("the wording is empty; to go back to the default wording, remove the override instead")
	case utf8.RuneCountInString(wording) > MaxWording:
		return refuse("the wording has %d characters; at most %d are allowed", utf8.RuneCountInString(wording), MaxWording)
	}
	used, err := parseWording(wording)
	if err != nil {
		return &OverrideError{ID: id, Reason: err.Error()}
	}
	allowed := MessageVariables(id)
	for _, v := range used {
		if !slices.Contains(allowed, v) {
			reason := fmt.Sprintf("unknown variable .%s — the variables this message may use are: %s", v, dotted(allowed))
			if s := closest(v, allowed); s != "" {
				reason = fmt.Sprintf("unknown variable .%s (did you mean .%s?) — the variables this message may use are: %s", v, s, dotted(allowed))
			}
			return refuse("%s", reason)
		}
	}
	// The check above is complete for the allowed language; executing with the samples is the
	// belt to its braces, and catches a variable that exists for one letter using id but not another.
	for _, uk := range UsedBy(id) {
		p := newPage(uk, Sample(uk, lang), nil)
		if _, err := catalog.Execute(wording, p.vars); err != nil {
			return refuse("the wording cannot be rendered in the letter %q: %v", uk, err)
		}
	}
	return nil
}

// Preview renders letter k in lang with the sample data and the overrides o, for an admin page.
func Preview(k Kind, lang string, o Overrides) (Rendered, error) {
	return RenderWith(k, Sample(k, lang), o)
}

// checkWording applies the rules of what wording may contain; RenderWith uses it so that an
// override stored without CheckOverride is not executed either.
func checkWording(w string) error {
	_, err := parseWording(w)
	return err
}

// parseWording parses wording and returns the variables it uses, or why it is refused.
func parseWording(w string) ([]string, error) {
	trees := map[string]*parse.Tree{}
	t := parse.New("wording")
	t.Mode = parse.SkipFuncCheck // an unknown function gets our explanation, not the parser's
	if _, err := t.Parse(w, "", "", trees); err != nil {
		return nil, fmt.Errorf("the wording is not a valid template: %s", strings.TrimPrefix(err.Error(), "template: "))
	}
	if len(trees) != 1 || trees["wording"] == nil {
		return nil, errors.New("{{define}} and {{block}} are not allowed: wording cannot define templates")
	}
	var used []string
	var walk func(*parse.ListNode) error
	field := func(pn *parse.PipeNode, what string) error {
		name, err := singleField(pn, what)
		if err == nil && !slices.Contains(used, name) {
			used = append(used, name)
		}
		return err
	}
	walk = func(l *parse.ListNode) error {
		if l == nil {
			return nil
		}
		for _, n := range l.Nodes {
			var err error
			switch n := n.(type) {
			case *parse.TextNode:
			case *parse.ActionNode:
				err = field(n.Pipe, "{{"+n.Pipe.String()+"}}")
			case *parse.IfNode:
				if err = field(n.Pipe, "{{if "+n.Pipe.String()+"}}"); err == nil {
					if err = walk(n.List); err == nil {
						err = walk(n.ElseList)
					}
				}
			case *parse.RangeNode:
				err = errors.New("{{range}} is not allowed: the variables are single values, there is nothing to repeat")
			case *parse.WithNode:
				err = errors.New("{{with}} is not allowed: use {{if .Variable}} … {{end}}")
			case *parse.TemplateNode:
				err = fmt.Errorf("{{template %q}} is not allowed: wording cannot include other templates", n.Name)
			default:
				err = fmt.Errorf("%s is not allowed in wording", n)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(trees["wording"].Root); err != nil {
		return nil, err
	}
	return used, nil
}

// singleField accepts a pipeline that is exactly one variable, .Name, and returns Name.
func singleField(pn *parse.PipeNode, what string) (string, error) {
	if len(pn.Decl) > 0 {
		return "", fmt.Errorf("%s: $variables are not allowed; write a variable such as {{.Reference}}", what)
	}
	if len(pn.Cmds) != 1 {
		return "", fmt.Errorf("%s: pipelines (|) are not allowed; write a variable such as {{.Reference}}", what)
	}
	args := pn.Cmds[0].Args
	switch a := args[0].(type) {
	case *parse.FieldNode:
		if len(args) == 1 && len(a.Ident) == 1 {
			return a.Ident[0], nil
		}
		if len(a.Ident) > 1 {
			return "", fmt.Errorf("%s: variables have no fields; write {{.%s}}", what, a.Ident[0])
		}
	case *parse.IdentifierNode:
		// One function: French "de" before a name, elided before a vowel ({{de .ControllerName}}).
		if f, ok := argField(args); a.Ident == "de" && ok {
			return f, nil
		}
		return "", fmt.Errorf("%s: the function %q is not available; wording may only show variables, such as {{.Reference}} (and {{de .Name}}, French \"de\" before a name)", what, a.Ident)
	case *parse.VariableNode:
		return "", fmt.Errorf("%s: $variables are not allowed; write a variable such as {{.Reference}}", what)
	case *parse.DotNode:
		return "", fmt.Errorf("%s: name a variable, such as {{.Reference}}", what)
	}
	return "", fmt.Errorf("%s is not allowed: wording may only show a variable, such as {{.Reference}}", what)
}

// argField returns the one argument of a function call when it is a plain variable, .Name.
func argField(args []parse.Node) (string, bool) {
	if len(args) != 2 {
		return "", false
	}
	f, ok := args[1].(*parse.FieldNode)
	if !ok || len(f.Ident) != 1 {
		return "", false
	}
	return f.Ident[0], true
}

func dotted(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "." + n
	}
	return strings.Join(out, ", ")
}

// closest is the allowed name nearest to a misspelt one, when it is near enough to be a typo.
func closest(name string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if d := distance(strings.ToLower(name), strings.ToLower(a)); d < bestD {
			best, bestD = a, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
