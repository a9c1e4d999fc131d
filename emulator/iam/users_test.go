package iam

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/idpool/idpool/protocol"
)

func TestGetUser(t *testing.T) {
	s := newService(t)
	ctx := t.Context()
	made, err := s.CreateUser(ctx, &CreateUserInput{UserName: "Dev", Path: ptr("/t/"), Tags: []Tag{{"team", "id"}}})
	if err != nil {
		t.Fatal(err)
	}
	as := func(arn string) context.Context {
		return protocol.WithPrincipal(ctx, &protocol.Principal{ARN: arn, Account: "123456789012"})
	}
	root := User{UserId: "123456789012", Arn: "arn:aws:iam::123456789012:root",
		CreateDate: protocol.At(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	tests := []struct {
		name   string
		ctx    context.Context
		user   *string
		want   User
		code   string
		status int
	}{
		{"named, in another case", ctx, ptr("dev"), made.User, "", 0},
		{"the caller's own user", as("arn:aws:iam::123456789012:user/t/Dev"), nil, made.User, "", 0},
		{"the root", as("arn:aws:iam::123456789012:root"), nil, root, "", 0},
		{"a role session without a name", as("arn:aws:sts::123456789012:assumed-role/R/s"), nil, User{}, "ValidationError", http.StatusBadRequest},
		{"a role session naming a user", as("arn:aws:sts::123456789012:assumed-role/R/s"), ptr("Dev"), made.User, "", 0},
		{"a missing user", ctx, ptr("nobody"), User{}, CodeNoSuchEntity, http.StatusNotFound},
		{"the caller's deleted user", as("arn:aws:iam::123456789012:user/gone"), nil, User{}, CodeNoSuchEntity, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := s.GetUser(tt.ctx, &GetUserInput{UserName: tt.user})
			wantCode(t, err, tt.code, tt.status)
			if err != nil {
				return
			}
			if got := out.User; got.Arn != tt.want.Arn || got.UserName != tt.want.UserName || got.Path != tt.want.Path ||
				got.UserId != tt.want.UserId || got.CreateDate != tt.want.CreateDate || len(got.Tags) != len(tt.want.Tags) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
