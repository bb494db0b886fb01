package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"rightsdesk/access"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/views"
)

// queueCountCap bounds the count shown above the queue: past it the page says "more than".
const queueCountCap = 1000

// actor returns the logged-in user and what they may touch: admins every controller, others
// those they are assigned to.
func (h *Handler) actor(c echo.Context) (cases.Actor, models.User, error) {
	u, ok := c.Get(userContextKey).(models.User)
	if !ok {
		return cases.Actor{}, u, echo.NewHTTPError(http.StatusUnauthorized)
	}
	ctx := c.Request().Context()
	var ids []int64
	var err error
	if u.Role == models.RoleAdmin {
		ids, err = h.store.ControllerIDs(ctx)
	} else {
		ids, err = h.store.UserControllerIDs(ctx, u.ID)
	}
	return cases.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Controllers: ids}, u, err
}

func mayAssignOthers(role string) bool { return role == models.RoleManager || role == models.RoleAdmin }

// flash keeps a message for the next page the user sees.
func (h *Handler) flash(c echo.Context, msg string) {
	h.sessions.Put(c.Request().Context(), "flash", msg)
}

func (h *Handler) staffHome(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/staff/cases")
}

func (h *Handler) queue(c echo.Context) error {
	a, me, err := h.actor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	q := views.QueueQuery{
		Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Site: c.QueryParam("site"),
		Assignee: c.QueryParam("assignee"), Band: c.QueryParam("band"), From: c.QueryParam("from"),
		To: c.QueryParam("to"), Q: strings.TrimSpace(c.QueryParam("q")), Sort: c.QueryParam("sort"),
		AnsweredFrom: c.QueryParam("answered_from"), AnsweredTo: c.QueryParam("answered_to"),
		Timely: c.QueryParam("timely"), Extended: c.QueryParam("extended"), Provenance: c.QueryParam("provenance"),
	}
	f, q := queueFilter(q, a, me)
	f.After = models.ParseCursor(c.QueryParam("after"), f.ByReceived)
	page, err := h.store.Queue(ctx, f)
	if err != nil {
		return err
	}
	count, err := h.store.QueueCount(ctx, f, queueCountCap)
	if err != nil {
		return err
	}
	controllers, err := h.store.ControllersIn(ctx, a.Controllers)
	if err != nil {
		return err
	}
	staff, err := h.store.StaffOfAny(ctx, a.Controllers)
	if err != nil {
		return err
	}
	v := views.QueueView{
		Query: q, Cases: page.Cases, Today: f.Today, Count: count, CountCapped: count > queueCountCap,
		Controllers: controllers, Staff: staff, Me: me, MayAssign: mayAssignOthers(me.Role),
	}
	if !page.Next.IsZero() {
		v.NextURL = q.URL(page.Next.Encode(f.ByReceived))
	}
	if problems, ok := h.sessions.Pop(ctx, "bulk_problems").(string); ok && problems != "" {
		v.Problems = strings.Split(problems, "\n")
	}
	noStore(c)
	return render(c, http.StatusOK, views.Queue(h.page(c, "Cases"), v))
}

// queueFilter turns the URL's filter into the store's, always within the actor's controllers.
// Values that do not parse are dropped from the query shown back, so the page says what it shows.
func queueFilter(q views.QueueQuery, a cases.Actor, me models.User) (models.QueueFilter, views.QueueQuery) {
	f := models.QueueFilter{Controllers: a.Controllers, Today: deadline.Today(time.Now(), deadline.DefaultLocation), Limit: 50}
	switch q.Status {
	case "":
	case "all":
		f.Statuses = dsr.Statuses
	case "closed":
		f.Statuses = []dsr.Status{dsr.StatusCompleted, dsr.StatusRefused, dsr.StatusWithdrawn}
	case "answered":
		f.Statuses = []dsr.Status{dsr.StatusCompleted, dsr.StatusRefused}
	case "requests": // what the dashboard counts: every confirmed request
		f.Statuses = models.Counted
	default:
		if slices.Contains(dsr.Statuses, dsr.Status(q.Status)) {
			f.Statuses = []dsr.Status{dsr.Status(q.Status)}
		} else {
			q.Status = ""
		}
	}
	if k, ok := dsr.ParseKind(q.Kind); ok {
		f.Kind = k
	} else {
		q.Kind = ""
	}
	// A site or a whole controller ("c" and its id); one outside the actor's scope matches nothing.
	if id, err := strconv.ParseInt(strings.TrimPrefix(q.Site, "c"), 10, 64); err == nil && id > 0 {
		if strings.HasPrefix(q.Site, "c") {
			f.ControllerID = id
		} else {
			f.SiteID = id
		}
	} else {
		q.Site = ""
	}
	switch q.Assignee {
	case "":
	case "me":
		f.AssigneeID = me.ID
	case "unassigned":
		f.Unassigned = true
	default:
		if id, err := strconv.ParseInt(q.Assignee, 10, 64); err == nil && id > 0 {
			f.AssigneeID = id
		} else {
			q.Assignee = ""
		}
	}
	switch b := deadline.Band(q.Band); b {
	case deadline.BandOverdue, deadline.BandDueSoon, deadline.BandOnTrack:
		f.Band = b
	default:
		q.Band = ""
	}
	if d, err := deadline.ParseDate(q.From); err == nil {
		f.ReceivedFrom = d
	} else {
		q.From = ""
	}
	if d, err := deadline.ParseDate(q.To); err == nil {
		f.ReceivedTo = d
	} else {
		q.To = ""
	}
	if d, err := deadline.ParseDate(q.AnsweredFrom); err == nil {
		f.AnsweredFrom = d
	} else {
		q.AnsweredFrom = ""
	}
	if d, err := deadline.ParseDate(q.AnsweredTo); err == nil {
		f.AnsweredTo = d
	} else {
		q.AnsweredTo = ""
	}
	switch q.Timely {
	case "on_time", "late":
		f.Timely = q.Timely
	default:
		q.Timely = ""
	}
	if q.Extended == "yes" {
		f.Extended = true
	} else {
		q.Extended = ""
	}
	switch q.Provenance {
	case "browser", "signed", "typed", "unverified":
		f.Provenance = q.Provenance
	default:
		q.Provenance = ""
	}
	if len(q.Q) > 256 {
		q.Q = q.Q[:256]
	}
	f.Search = q.Q
	if q.Sort == "received" {
		f.ByReceived = true
	} else {
		q.Sort = ""
	}
	return f, q
}

func (h *Handler) bulk(c echo.Context) error {
	a, _, err := h.actor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	refs := form["refs"]
	back := form.Get("back")
	if !strings.HasPrefix(back, "/staff/cases") || strings.HasPrefix(back, "//") {
		back = "/staff/cases"
	}
	if len(refs) == 0 {
		h.flash(c, "Select at least one case.")
		return c.Redirect(http.StatusSeeOther, back)
	}
	if len(refs) > 200 {
		refs = refs[:200]
	}
	var r cases.BulkResult
	switch form.Get("action") {
	case "assign":
		to, err := strconv.ParseInt(form.Get("assignee"), 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		r = h.cases.Bulk(ctx, refs, func(ref string) error { return h.cases.Assign(ctx, a, ref, 0, to) })
	case "expire":
		r = h.cases.Bulk(ctx, refs, func(ref string) error { return h.cases.ExpireNow(ctx, a, ref) })
	default:
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	h.flash(c, fmt.Sprintf("%d case(s) changed.", r.Done))
	if len(r.Refused) > 0 {
		var lines []string
		for _, ref := range refs {
			if why, ok := r.Refused[ref]; ok {
				lines = append(lines, ref+": "+why)
			}
		}
		h.sessions.Put(ctx, "bulk_problems", strings.Join(lines, "\n"))
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// casePage renders the case; form carries a refused action's errors and what was typed.
func (h *Handler) casePage(c echo.Context, status int, form views.CaseForm) error {
	a, me, err := h.actor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cs, err := h.store.CaseByReferenceFor(ctx, c.Param("ref"), a.Controllers)
	if err != nil {
		return err
	}
	v := views.CaseView{Case: cs, Me: me, MayAssign: mayAssignOthers(me.Role), Form: form,
		Today: deadline.Today(time.Now(), cs.Controller.Location())}
	if v.Events, err = h.store.Timeline(ctx, cs.ID); err != nil {
		return err
	}
	if v.Letters, err = h.store.CaseLetters(ctx, cs.ID); err != nil {
		return err
	}
	if v.Outcomes, err = h.store.Outcomes(ctx, cs.ID); err != nil {
		return err
	}
	if v.Files, err = h.store.CaseFiles(ctx, cs.ID); err != nil {
		return err
	}
	if v.Staff, err = h.store.StaffOf(ctx, cs.ControllerID); err != nil {
		return err
	}
	if v.Recipients, err = h.store.CookieRecipients(ctx, cs.SiteID); err != nil {
		return err
	}
	if v.Told, err = h.store.RecipientsTold(ctx, cs.ID); err != nil {
		return err
	}
	if v.Access, err = h.store.AccessItems(ctx, cs.ID); err != nil {
		return err
	}
	if cs.Status == dsr.StatusInProgress && slices.Contains(cs.KindList(), dsr.KindAccess) {
		if v.AccessDraft, err = h.cases.AccessDraft(ctx, cs); err != nil {
			return err
		}
	}
	if l, err := h.store.RestrictionLiftingOf(ctx, cs.ID); err == nil {
		v.Lifting = &l
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	var ids []int64
	for _, e := range v.Events {
		if e.ActorUserID != nil {
			ids = append(ids, *e.ActorUserID)
		}
	}
	for _, id := range cs.Identifiers {
		if id.VerifiedBy != nil {
			ids = append(ids, *id.VerifiedBy)
		}
	}
	if cs.HeldBy != nil {
		ids = append(ids, *cs.HeldBy)
	}
	if v.Users, err = h.store.UsersByID(ctx, ids); err != nil {
		return err
	}
	title := "Case " + cs.Reference
	if form.Refused() {
		title = "Not done: " + title // the title is read first: it says at once that something is wrong
	}
	noStore(c)
	return render(c, status, views.CasePage(h.page(c, title), v))
}

func (h *Handler) caseView(c echo.Context) error {
	return h.casePage(c, http.StatusOK, views.CaseForm{})
}

// errNoVersion refuses a case form that does not say which version of the case it was drawn from.
var errNoVersion = errors.New("This form is incomplete: it does not say which version of the case it was made from. " +
	"Nothing was done. Open the case again and use its form.")

// caseAction runs one action from the case page: on success 303 back to the case with a message;
// on a refusal the page again, with the message beside the form and what was typed kept.
func (h *Handler) caseAction(action, done string, run func(c echo.Context, a cases.Actor, ref string, version int, form url.Values) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, _, err := h.actor(c)
		if err != nil {
			return err
		}
		var form url.Values
		if mf, err := c.MultipartForm(); err == nil {
			form = mf.Value
		} else if form, err = c.FormParams(); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		ref := c.Param("ref")
		formName := action
		if id := c.Param("id"); id != "" {
			formName = "identifiers/" + id
		}
		// Every case form carries the version it was drawn from: without it a stale form would act
		// on a case that changed since, so it is refused rather than treated as "no check".
		version, err := strconv.Atoi(form.Get("version"))
		if err != nil || version < 1 {
			return errNoVersion
		}
		err = run(c, a, ref, version, form)
		if err == nil {
			h.flash(c, done)
			// The form posted to …#error-summary; a redirect without a fragment would keep it, so
			// name the top of the page, where the message is.
			return c.Redirect(http.StatusSeeOther, "/staff/cases/"+ref+"#top")
		}
		values := map[string]string{}
		for k := range form {
			if k != "_csrf" && k != "version" {
				values[k] = form.Get(k)
			}
		}
		cf := views.CaseForm{Action: formName, Values: values}
		var fe *cases.FormError
		switch {
		case errors.As(err, &fe):
			cf.Errors = fe.Fields
			return h.casePage(c, http.StatusUnprocessableEntity, cf)
		case errors.Is(err, models.ErrConflict):
			cf.Notice = "This case changed since you opened it: someone else acted on it, so nothing was done. " +
				"The page now shows the case as it is; check it before you act again."
			return h.casePage(c, http.StatusConflict, cf)
		case errors.Is(err, dsr.ErrRefused), errors.Is(err, dsr.ErrTransitionNotAllowed):
			cf.Notice = err.Error()
			return h.casePage(c, http.StatusConflict, cf)
		}
		return err
	}
}

func (h *Handler) claim(c echo.Context) error {
	return h.caseAction("claim", "The case is yours.", func(c echo.Context, a cases.Actor, ref string, version int, _ url.Values) error {
		return h.cases.Claim(c.Request().Context(), a, ref, version)
	})(c)
}

func (h *Handler) assign(c echo.Context) error {
	return h.caseAction("assign", "The case is assigned.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		to, err := strconv.ParseInt(f.Get("assignee"), 10, 64)
		if err != nil {
			return &cases.FormError{Fields: dsr.Errors{"assignee": "Choose whom to assign the case to."}}
		}
		return h.cases.Assign(c.Request().Context(), a, ref, version, to)
	})(c)
}

func (h *Handler) decideIdentifier(c echo.Context) error {
	return h.caseAction("identifiers", "The decision is recorded.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			return models.ErrNotFound
		}
		var verified bool
		switch f.Get("verified") {
		case "yes":
			verified = true
		case "no":
		default:
			return &cases.FormError{Fields: dsr.Errors{"verified": "Say whether the identifier belongs to the requester."}}
		}
		return h.cases.DecideIdentifier(c.Request().Context(), a, ref, version, id, verified, f.Get("reason"))
	})(c)
}

func (h *Handler) requestInfo(c echo.Context) error {
	return h.caseAction("request-info", "The question is sent; the case waits for the requester.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		// A date that is no date is said as such, beside the other errors of the form.
		replyBy, dateErr := dsr.ParseReplyBy(f.Get(dsr.ReplyByField))
		err := h.cases.RequestInfo(c.Request().Context(), a, ref, version, cases.Question{
			Text: f.Get(dsr.QuestionField), ReplyBy: replyBy, Identity: f.Get(dsr.IdentityField) == "yes"})
		var fe *cases.FormError
		if dateErr != "" && errors.As(err, &fe) {
			fe.Fields[dsr.ReplyByField] = dateErr
		}
		return err
	})(c)
}

func (h *Handler) extend(c echo.Context) error {
	return h.caseAction("extend", "The deadline is extended and the requester notified.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.Extend(c.Request().Context(), a, ref, version, f.Get("reason"))
	})(c)
}

func (h *Handler) complete(c echo.Context) error {
	return h.caseAction("complete", "The answer is sent.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		in := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{}, LateAck: f.Get(dsr.LateAckField) == "yes"}
		for _, k := range dsr.Kinds {
			in.Rights[k] = dsr.RightInput{
				Result: f.Get(dsr.ResultField(k)), Done: f.Get(dsr.OutcomeField(k)),
				Ground: f.Get(dsr.GroundField(k)), Reasons: f.Get(dsr.ReasonsField(k)),
			}
		}
		// One line per recipient the form offered, in its order (Art. 19).
		for i := 0; i < maxRecipients; i++ {
			if _, ok := f[dsr.RecipientField(i)]; !ok {
				break
			}
			in.Told = append(in.Told, dsr.RecipientInput{
				Provider: f.Get(dsr.RecipientField(i)), Choice: f.Get(dsr.ToldField(i)),
				ToldOn: f.Get(dsr.ToldOnField(i)), Reason: f.Get(dsr.NotToldReasonField(i)),
			})
		}
		in.Access = map[access.Key]string{}
		for _, k := range access.Keys {
			in.Access[k] = f.Get(k.Field())
		}
		var err error
		if in.Files, err = uploads(c, "files"); err != nil {
			return err
		}
		if in.Portable, err = uploads(c, "portable"); err != nil {
			return err
		}
		return h.cases.Complete(c.Request().Context(), a, ref, version, in)
	})(c)
}

// uploads reads the files of an answer from the multipart form's field.
func uploads(c echo.Context, field string) ([]cases.Upload, error) {
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, nil // no file part: an answer without files
	}
	var out []cases.Upload
	for _, fh := range mf.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the browser sends an empty part when no file is chosen
		}
		if fh.Size > cases.MaxFileSize {
			return nil, &cases.FormError{Fields: dsr.Errors{field: fmt.Sprintf("The file %q is larger than 10 MB.", fh.Filename)}}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, cases.MaxFileSize+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		ct := fh.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		out = append(out, cases.Upload{Name: fh.Filename, ContentType: ct, Data: data})
	}
	return out, nil
}

func (h *Handler) refuse(c echo.Context) error {
	return h.caseAction("refuse", "The refusal is sent.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.Refuse(c.Request().Context(), a, ref, version, f.Get("ground"), f.Get("reasons"), f.Get(dsr.LateAckField) == "yes")
	})(c)
}

// maxRecipients bounds the recipients an answer form may carry: far more than a site's providers.
const maxRecipients = 500

func (h *Handler) liftRestriction(c echo.Context) error {
	return h.caseAction("lift-restriction", "The requester is informed of the lifting of the restriction.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.LiftRestriction(c.Request().Context(), a, ref, version, f.Get(dsr.LiftsOnField), f.Get(dsr.LiftingReasonsField))
	})(c)
}

func (h *Handler) recordRecipient(c echo.Context) error {
	return h.caseAction("recipients", "The recipient is recorded as told.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.RecordRecipient(c.Request().Context(), a, ref, version, f.Get(dsr.LaterProviderField), f.Get(dsr.LaterToldOnField))
	})(c)
}

func (h *Handler) closeWithdrawn(c echo.Context) error {
	return h.caseAction("withdraw", "The case is closed as withdrawn.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.CloseWithdrawn(c.Request().Context(), a, ref, version, f.Get("how"))
	})(c)
}

func (h *Handler) addNote(c echo.Context) error {
	return h.caseAction("notes", "The note is added.", func(c echo.Context, a cases.Actor, ref string, _ int, f url.Values) error {
		return h.cases.AddNote(c.Request().Context(), a, ref, f.Get("note"))
	})(c)
}

func (h *Handler) placeHold(c echo.Context) error {
	return h.caseAction("hold", "The case is under a legal hold.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.PlaceHold(c.Request().Context(), a, ref, version, f.Get(cases.HoldReasonField))
	})(c)
}

func (h *Handler) liftHold(c echo.Context) error {
	return h.caseAction("lift-hold", "The legal hold is lifted.", func(c echo.Context, a cases.Actor, ref string, version int, f url.Values) error {
		return h.cases.LiftHold(c.Request().Context(), a, ref, version, f.Get(cases.LiftReasonField))
	})(c)
}

func (h *Handler) expireCase(c echo.Context) error {
	return h.caseAction("expire", "The request is closed as expired.", func(c echo.Context, a cases.Actor, ref string, _ int, _ url.Values) error {
		return h.cases.ExpireNow(c.Request().Context(), a, ref)
	})(c)
}
