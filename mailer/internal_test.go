package mailer

import (
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"testing"
)

func TestIsPermanent(t *testing.T) {
	reply := func(stage string, code int) error {
		return newDeliveryError(stage, &textproto.Error{Code: code, Msg: "reply"})
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"550 to RCPT TO", reply(stageRcpt, 550), true},
		{"553 to MAIL FROM", reply(stageMail, 553), true},
		{"554 after DATA", reply(stageData, 554), true},
		{"wrapped 550", fmt.Errorf("send: %w", reply(stageRcpt, 550)), true},
		{"invalid message", invalid("To is empty"), true},
		{"452 to RCPT TO", reply(stageRcpt, 452), false},
		{"421 after DATA", reply(stageData, 421), false},
		{"535 during AUTH", newDeliveryError(stageConnect, fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535})), false},
		{"554 greeting", reply(stageConnect, 554), false},
		{"connection refused", newDeliveryError(stageConnect, refused), false},
		{"connection lost during DATA", newDeliveryError(stageData, net.ErrClosed), false},
		{"plain error", errors.New("boom"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := IsPermanent(tt.err); got != tt.want {
			t.Errorf("%s: IsPermanent(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestErrorClass(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{newDeliveryError(stageRcpt, &textproto.Error{Code: 550, Msg: "5.1.1 <jeanne@example.org> unknown"}), "RCPT TO: smtp 550"},
		{newDeliveryError(stageConnect, &net.OpError{Op: "dial", Err: errors.New("refused")}), "connect: network"},
		{invalid("To is empty"), "invalid message"},
		{errors.New("boom"), "other"},
	}
	for _, tt := range tests {
		if got := ErrorClass(tt.err); got != tt.want {
			t.Errorf("ErrorClass(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
