package policy

import "testing"

// TestAdmits: Admits judges a trust policy on the request's action,
// principal and the conditions on one key, whatever the others say.
func TestAdmits(t *testing.T) {
	const (
		cognito = "cognito-identity.amazonaws.com"
		aud     = cognito + ":aud"
		pool    = "us-east-1:0f0f0f0f-1111-2222-3333-444444444444"
	)
	trust := func(principal, action, condition string) string {
		return `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": ` + principal +
			`, "Action": "` + action + `", "Condition": {` + condition + `}}]}`
	}
	federated := `{"Federated": "` + cognito + `"}`
	web := "sts:AssumeRoleWithWebIdentity"
	amr := `"ForAnyValue:StringLike": {"` + cognito + `:amr": "authenticated"}`
	tests := []struct {
		name string
		doc  string
		key  string
		want bool
	}{
		{"aud of the pool", trust(federated, web, `"StringEquals": {"`+aud+`": "`+pool+`"}, `+amr), aud, true},
		{"aud of another pool", trust(federated, web, `"StringEquals": {"`+aud+`": "us-east-1:other"}, `+amr), aud, false},
		{"aud of another pool, no key looked at", trust(federated, web, `"StringEquals": {"`+aud+`": "us-east-1:other"}`), "", true},
		{"aud pattern", trust(federated, web, `"StringLike": {"`+aud+`": "us-east-1:*"}`), aud, true},
		{"aud key in another case", trust(federated, web, `"StringEquals": {"Cognito-Identity.amazonaws.com:AUD": "us-east-1:other"}`), aud, false},
		{"aud of a policy variable", trust(federated, web, `"StringEquals": {"`+aud+`": "${aws:PrincipalTag/pool}"}`), aud, true},
		{"negated aud of the pool", trust(federated, web, `"StringNotEquals": {"`+aud+`": "`+pool+`"}`), aud, false},
		{"another provider", trust(`{"Federated": "accounts.google.com"}`, web, `"StringEquals": {"`+aud+`": "`+pool+`"}`), aud, false},
		{"another action", trust(federated, "sts:AssumeRole", `"StringEquals": {"`+aud+`": "`+pool+`"}`), "", false},
		{"any principal", trust(`"*"`, "sts:*", `"StringEquals": {"`+aud+`": "`+pool+`"}`), aud, true},
		{"deny only", `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": ` + federated + `, "Action": "` + web + `"}]}`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			r := Request{Action: web, Federated: cognito, Context: map[string][]string{aud: {pool}}}
			if got := d.Admits(r, tt.key); got != tt.want {
				t.Errorf("Admits(%q): got %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}
