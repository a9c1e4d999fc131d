package cognitosync

import (
	"context"
	"errors"
	"testing"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// TestScopesCoverModel checks that every operation of the Cognito Sync
// model has a Scope of one of the Service Authorization Reference's
// resource types, and that the table names no other operation, so that an
// operation added to the model cannot go without one: the service and
// strict mode both read it.
func TestScopesCoverModel(t *testing.T) {
	ops := shape.CognitoSync().Operations()
	for _, op := range ops {
		t.Run(op.Name, func(t *testing.T) {
			sc, ok := ScopeOf(op.Name)
			if !ok {
				t.Fatalf("got no Scope for %s, want one", op.Name)
			}
			switch sc.Resource {
			case "identitypool", "identity", "dataset":
			default:
				t.Errorf("got resource type %q, want identitypool, identity or dataset", sc.Resource)
			}
		})
	}
	if len(scopes) != len(ops) {
		t.Errorf("got %d Scopes, want one for each of the model's %d operations", len(scopes), len(ops))
	}
}

// TestScopeOf checks that an operation is found by its name in any case,
// as IAM reads an action's name, and that no other name is.
func TestScopeOf(t *testing.T) {
	tests := []struct {
		name, op string
		want     Scope
		ok       bool
	}{
		{"exact", "ListRecords", Scope{"dataset", Identity}, true},
		{"lower case", "bulkpublish", Scope{"identitypool", Developer}, true},
		{"device", "REGISTERDEVICE", Scope{"identity", Device}, true},
		{"wildcard", "List*", Scope{}, false},
		{"unknown", "ListIdentityPools", Scope{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ScopeOf(tt.op)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %+v, %v, want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestAuthorizeUnknownOp checks that an operation name the table lacks (a
// typo at a call site) is refused to everyone, the developer too, as the
// service's own error rather than as a pool-level operation.
func TestAuthorizeUnknownOp(t *testing.T) {
	ctx := protocol.WithPrincipal(context.Background(), &protocol.Principal{AccessKeyID: "AKIDEXAMPLE", Account: testAccount})
	p, err := authorize(ctx, "ListRecord", "us-east-1:p", "us-east-1:i")
	var e *protocol.Error
	if err == nil || errors.As(err, &e) {
		t.Fatalf("authorize of an unknown op: got %v, %v, want an error of the service's own, with no wire code", p, err)
	}
}
