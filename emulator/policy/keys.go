package policy

import "strings"

// ContextKeys returns the context keys that the statements whose Action
// (or NotAction) covers action use: the keys their conditions test and
// the policy variables, without a default, in their Resource elements and
// condition values. The policy simulator reports those a request lacks as
// MissingContextValues. Each key appears once, spelled as first written,
// in the order the statements use them (a statement's conditions by
// operator name); keys compare case-insensitively.
func (d *Document) ContextKeys(action string) []string {
	return d.keys(func(st *statement) bool { return st.action(action) })
}

// Keys returns every context key the document uses, whatever the action,
// as ContextKeys does for one action: IAM's GetContextKeysForCustomPolicy.
func (d *Document) Keys() []string {
	return d.keys(func(*statement) bool { return true })
}

// keys returns the context keys of the statements that covers selects.
func (d *Document) keys(covers func(*statement) bool) []string {
	var keys []string
	add := func(k string) {
		for _, have := range keys {
			if strings.EqualFold(have, k) {
				return
			}
		}
		keys = append(keys, k)
	}
	vars := func(ps []part) {
		for _, p := range ps {
			if p.kind == vari && !p.hasDef {
				add(p.text)
			}
		}
	}
	for i := range d.stmts {
		st := &d.stmts[i]
		if !covers(st) {
			continue
		}
		for _, r := range st.resources {
			vars(r)
		}
		for j := range st.conds {
			c := &st.conds[j]
			add(c.key)
			for _, v := range c.values {
				vars(v.parts)
			}
		}
	}
	return keys
}

// Missing returns the keys among keys that the context lacks (a key with
// no values is absent, as for conditions).
func Missing(ctx map[string][]string, keys []string) []string {
	var out []string
	for _, k := range keys {
		if len(lookup(ctx, k)) == 0 {
			out = append(out, k)
		}
	}
	return out
}
