package mailer

import (
	"errors"
	"fmt"
	"io"
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
		{newDeliveryError(stageEndOfData, io.EOF), "end of DATA: connection closed"},
		{errors.New("boom"), "other"},
	}
	for _, tt := range tests {
		if got := ErrorClass(tt.err); got != tt.want {
			t.Errorf("ErrorClass(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestMayHaveBeenAccepted(t *testing.T) {
	reply := func(stage string, code int) error {
		return newDeliveryError(stage, &textproto.Error{Code: code, Msg: "reply"})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection lost awaiting the reply to the final dot", newDeliveryError(stageEndOfData, net.ErrClosed), true},
		{"wrapped", fmt.Errorf("send: %w", newDeliveryError(stageEndOfData, errors.New("EOF"))), true},
		{"another sender's error", errors.New("boom"), true},
		{"451 to the final dot", reply(stageEndOfData, 451), false},
		{"554 to the final dot", reply(stageEndOfData, 554), false},
		{"connection lost while writing the body", newDeliveryError(stageData, net.ErrClosed), false},
		{"354 never came", reply(stageData, 503), false},
		{"550 to RCPT TO", reply(stageRcpt, 550), false},
		{"connection refused", newDeliveryError(stageConnect, &net.OpError{Op: "dial", Err: errors.New("refused")}), false},
		{"invalid message", invalid("To is empty"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := MayHaveBeenAccepted(tt.err); got != tt.want {
			t.Errorf("%s: MayHaveBeenAccepted(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
