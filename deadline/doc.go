// Package deadline is the legal deadline calendar of Rightsdesk: pure
// functions, no I/O.
//
// A request received on a date (the calendar date of submission in the
// controller's time zone) is due one month later under Art. 12(3) GDPR,
// counted by Regulation (EEC, Euratom) No 1182/71 Art. 3: the same date of the
// next month, or that month's last day when it has no such date, moved to the
// next working day when it is a Saturday, a Sunday or a public holiday of the
// controller's country. An extension makes it three months from receipt, by
// the same rules.
//
//	cal, _ := deadline.For("BE")
//	due := cal.Due(deadline.ReceiptDate(submittedAt, deadline.DefaultLocation))
package deadline
