package dsr

import (
	"maps"
	"strings"
	"text/template"
)

// Code names a problem with what a visitor typed or brought. It is also the id of the message the
// pages say it with, in every language (views/messages): a new code needs its message in each.
type Code string

// The codes, one per rule a visitor's input can break. The values are message ids: never rename
// one without its messages.
const (
	CodeKindUnknown           Code = "fielderr.kind_unknown"
	CodeKindNone              Code = "fielderr.kind_none"
	CodeEmailMissing          Code = "fielderr.email_missing" // the filing's address, the one we write to
	CodeEmailEmpty            Code = "fielderr.email_empty"   // any other required address
	CodeEmailUTF8             Code = "fielderr.email_utf8"
	CodeEmailLine             Code = "fielderr.email_line"
	CodeEmailLong             Code = "fielderr.email_long" // Max
	CodeEmailForm             Code = "fielderr.email_form"
	CodeEmailDomain           Code = "fielderr.email_domain"
	CodeSingleLine            Code = "fielderr.single_line"
	CodeControl               Code = "fielderr.control"
	CodeUTF8                  Code = "fielderr.utf8"
	CodeTooLong               Code = "fielderr.too_long" // Max, N
	CodeLanguage              Code = "fielderr.language"
	CodeCountry               Code = "fielderr.country"
	CodeRectificationWrong    Code = "fielderr.rectification_wrong"
	CodeRectificationRight    Code = "fielderr.rectification_right"
	CodeObjectionGrounds      Code = "fielderr.objection_grounds"
	CodeBrowserNotIdentifying Code = "fielderr.browser_not_identifying" // Cookie
	CodeBrowserValue          Code = "fielderr.browser_value"           // Cookie; Cause: the value's problem
	CodeBrowserMissing        Code = "fielderr.browser_missing"         // Cookie
	CodeTypedNoName           Code = "fielderr.typed_no_name"
	CodeTypedNotIdentifying   Code = "fielderr.typed_not_identifying"
	CodeTypedNoValue          Code = "fielderr.typed_no_value"
	CodeValueEmpty            Code = "fielderr.value_empty"
	CodeValueLong             Code = "fielderr.value_long" // Max
	CodeValueChars            Code = "fielderr.value_chars"
	CodeTooMany               Code = "fielderr.too_many" // Max
	CodeAnswerMissing         Code = "fielderr.answer_missing"
	CodeSignedNotIdentifying  Code = "signed.not_identifying" // Cookie
	CodeSignedValue           Code = "signed.value"           // Cookie; Cause: the value's problem
	// Why a site's signed link was refused as a whole (Site: the site's name).
	CodeSignedMalformed    Code = "signed.malformed"
	CodeSignedUnknownKey   Code = "signed.unknown_key"
	CodeSignedBadSignature Code = "signed.bad_signature"
	CodeSignedExpired      Code = "signed.expired"
	CodeSignedNotYetValid  Code = "signed.not_yet_valid"
	CodeSignedWrongSite    Code = "signed.wrong_site"
	CodeSignedNone         Code = "signed.none"
)

// catalogue says each code in English, for logs, staff pages and the command line, in the
// template language of the messages ({{.Max}}; {{.Why}} is the cause). The English messages of
// the pages say the same: a test holds them together.
var catalogue = []struct {
	code    Code
	english string
}{
	{CodeKindUnknown, "Choose among the rights listed."},
	{CodeKindNone, "Choose at least one right to exercise."},
	{CodeEmailMissing, "Give the e-mail address where we should write to you."},
	{CodeEmailEmpty, "Give the e-mail address."},
	{CodeEmailUTF8, "The address contains bytes that are not valid text (invalid UTF-8)."},
	{CodeEmailLine, "The address must be on a single line."},
	{CodeEmailLong, "The address is too long: at most {{.Max}} characters."},
	{CodeEmailForm, "Type the address only, like name@example.com."},
	{CodeEmailDomain, "The address needs a full domain, like name@example.com."},
	{CodeSingleLine, "This must be on a single line."},
	{CodeControl, "This contains control characters; remove them."},
	{CodeUTF8, "This contains bytes that are not valid text (invalid UTF-8)."},
	{CodeTooLong, "This is too long: at most {{.Max}} characters (you typed {{.N}})."},
	{CodeLanguage, "Choose the language we should write to you in."},
	{CodeCountry, "Choose your country of residence, or “Other country”."},
	{CodeRectificationWrong, "For rectification, say which data is wrong."},
	{CodeRectificationRight, "For rectification, say what the correct data is."},
	{CodeObjectionGrounds, "For an objection, give the grounds relating to your situation, or tick that you object to direct marketing."},
	{CodeBrowserNotIdentifying, `The cookie "{{.Cookie}}" is not an identifying cookie of this site.`},
	{CodeBrowserValue, "The value of your cookie {{.Cookie}} cannot be used: {{.Why}}"},
	{CodeBrowserMissing, "Your browser no longer sends the cookie {{.Cookie}}; untick it or paste its value."},
	{CodeTypedNoName, "Choose which cookie this value comes from."},
	{CodeTypedNotIdentifying, "Choose one of this site's identifying cookies."},
	{CodeTypedNoValue, "Paste the cookie's value, or leave the row empty."},
	{CodeValueEmpty, "The value is empty."},
	{CodeValueLong, "The value is too long: at most {{.Max}} characters."},
	{CodeValueChars, "A cookie value holds only visible ASCII characters, without spaces, quotes, commas, semicolons or backslashes."},
	{CodeTooMany, "At most {{.Max}} cookie identifiers per request."},
	{CodeAnswerMissing, "Write your answer."},
	{CodeSignedNotIdentifying, `The site's link names the cookie "{{.Cookie}}", which is not an identifying cookie of this site.`},
	{CodeSignedValue, "The value of the cookie {{.Cookie}} in the site's link cannot be used: {{.Why}}"},
	{CodeSignedMalformed, "The link from {{.Site}} is damaged or incomplete, so no identifier was taken from it. Go back to the site and follow its link again, or paste your cookie values below."},
	{CodeSignedUnknownKey, "The link was not signed with a key that {{.Site}} uses now (it may be meant for another site, or the site has changed its key), so no identifier was taken from it. Go back to the site and follow its link again."},
	{CodeSignedBadSignature, "The link was changed after {{.Site}} made it, so its identifiers cannot be trusted and none was taken. Go back to the site and follow its link again."},
	{CodeSignedExpired, "The link from {{.Site}} has expired, so no identifier was taken from it. Go back to the site and follow its link again."},
	{CodeSignedNotYetValid, "The link from {{.Site}} is dated in the future (the site's clock may be wrong), so no identifier was taken from it. Try again in a few minutes."},
	{CodeSignedWrongSite, "The link was made for another site than {{.Site}}, so no identifier was taken from it."},
	{CodeSignedNone, "The link from {{.Site}} names none of the site's identifying cookies, so no identifier was taken from it."},
}

// Codes lists every code a Problem can carry, in the catalogue's order.
var Codes = func() []Code {
	out := make([]Code, len(catalogue))
	for i, c := range catalogue {
		out[i] = c.code
	}
	return out
}()

var english = func() map[Code]*template.Template {
	out := make(map[Code]*template.Template, len(catalogue))
	for _, c := range catalogue {
		out[c.code] = template.Must(template.New(string(c.code)).Option("missingkey=error").Parse(c.english))
	}
	return out
}()

// Problem is why something a visitor typed or brought cannot be used: a code, the values its
// message names (Args: "Max", "N", "Cookie", "Site"), and, for a problem with part of the value,
// the problem beneath it (Cause, said where the message has {{.Why}}). Pages say it in the
// reader's language from the code; Error says it in English.
type Problem struct {
	Code  Code
	Args  map[string]any
	Cause *Problem
}

// Error says the problem in English.
func (p *Problem) Error() string {
	t, ok := english[p.Code]
	if !ok {
		return string(p.Code)
	}
	data := maps.Clone(p.Args)
	if data == nil {
		data = map[string]any{}
	}
	if p.Cause != nil {
		data["Why"] = p.Cause.Error()
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return string(p.Code) // an argument missing: the code still says which rule
	}
	return b.String()
}

// Unwrap returns the cause, if any.
func (p *Problem) Unwrap() error {
	if p.Cause == nil {
		return nil
	}
	return p.Cause
}

// Is makes every Problem a refusal by the rules (ErrRefused).
func (p *Problem) Is(target error) bool { return target == ErrRefused }

// Problems maps a form field to its problem.
type Problems map[string]*Problem
