package policy

import "strings"

// Admits reports whether an Allow statement of d covers r's action and
// principal and has each of its conditions on key met by r.Context,
// whatever its conditions on other keys: whether a request like r could
// be allowed for some values of the keys r does not give. With key "" it
// looks at no condition. A condition on key whose values hold a policy
// variable counts as met, as what it compares depends on other keys. Deny
// statements are not looked at.
//
// It tells a trust policy that can never let a pool's identities in (its
// cognito-identity.amazonaws.com:aud condition names other pools) from one
// whose other conditions refuse some of them, so that a fixture can be
// warned of the first at start.
func (d *Document) Admits(r Request, key string) bool {
	for i := range d.stmts {
		st := &d.stmts[i]
		if st.deny || !st.action(r.Action) || !st.who(&r) {
			continue
		}
		met := true
		for j := range st.conds {
			c := &st.conds[j]
			if key != "" && strings.EqualFold(c.key, key) && !c.vars && !c.eval(&r) {
				met = false
				break
			}
		}
		if met {
			return true
		}
	}
	return false
}
