package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
)

// ErrorClass names a send failure for the logs, e.g. "RCPT TO: smtp 550" or "connect: network".
// The error's text is stored with the letter for admins but not logged: a server's reply may
// repeat the recipient's address.
func ErrorClass(err error) string {
	if errors.Is(err, ErrInvalidMessage) {
		return "invalid message"
	}
	var (
		de               *deliveryError
		netErr           net.Error
		certErr          *tls.CertificateVerificationError
		unknownAuthority x509.UnknownAuthorityError
	)
	kind := "other"
	switch {
	case errors.As(err, &de) && de.code != 0:
		kind = fmt.Sprintf("smtp %d", de.code)
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority):
		kind = "tls certificate"
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		kind = "timeout"
	case errors.As(err, &netErr):
		kind = "network"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		kind = "connection closed"
	}
	if de != nil {
		return de.stage + ": " + kind
	}
	return kind
}
