// Package shape loads the official AWS service models (botocore JSON, embedded
// at build time) and validates decoded request bodies against them the way
// AWS's Coral services do.
//
// A Model answers which operations exist, how each is called (target,
// HTTP binding, whether it is signed) and which errors it models. Validate
// walks a body decoded by encoding/json with UseNumber and reports type
// mismatches as a SerializationException and every constraint violation
// (required, length, range, enum, pattern) in one ValidationException whose
// text follows AWS's "N validation error(s) detected: …" form.
//
// Member paths in validation messages are the lowerCamelCase member names
// joined by dots. A list element is addressed as "<list>.<N>.member" with N
// counted from 1, and a map value as "<map>.<key>", so a rule inside a role
// mapping reads "roleMappings.graph.facebook.com.rulesConfiguration.rules.1.member.claim".
// A map's keys, and its scalar values, are each checked as one constraint
// of the map: a failure is reported once, at the map's path, quoting the
// whole map and listing every constraint of the key (or value) shape, as
// "Map keys must satisfy constraint: [ … ]" or "Map value must satisfy
// constraint: [ … ]". A value that would show a non-empty sensitive value
// is not quoted ("Value at 'logins'").
package shape
