package identity

import "testing"

// BenchmarkGetIdUserPool measures GetId for a user pool ID token that
// already has an identity, the commonest login of a mobile app, without
// the codec: its cost is that of parsing and checking the JWT once and
// finding the identity (BenchmarkGetIdKnown in package emulator measures
// an opaque Facebook token through the whole server).
func BenchmarkGetIdUserPool(b *testing.B) {
	e := newEnv(b)
	pool := e.createPool(b, fullPool())
	logins := map[string]string{testUserPool: e.userPoolToken("known-user", nil)}
	want := e.getID(b, pool, logins)
	in := &GetIdInput{IdentityPoolId: pool, Logins: logins}
	b.ReportAllocs()
	for b.Loop() {
		out, err := e.svc.GetId(e.ctx, in)
		if err != nil || out.IdentityId != want {
			b.Fatalf("GetId: got %v, %v, want %s", out, err, want)
		}
	}
}
