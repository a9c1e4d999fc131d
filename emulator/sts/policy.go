package sts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/protocol/shape"
)

// packedLimit is the size, in bytes, against which the packed session
// policies and tags are measured. AWS does not publish its packing; this
// makes a full-size (2048-character) inline policy three quarters of the
// space, so that policy plus ten ARNs, or many tags, exceed it as on AWS.
const packedLimit = 2048

// Per-item costs in the packed form: an ARN is stored compressed and a tag
// carries some framing.
const (
	packedARNOverhead = 10
	packedTagOverhead = 4
)

// packedSize checks the session policy and returns the percentage of the
// packed-policy space that the session policy, the managed policy ARNs and
// the session tags use, or nil when there are none (AWS then omits
// PackedPolicySize). Over 100% is PackedPolicyTooLarge.
func packedSize(ctx context.Context, policy *string, arns []PolicyDescriptor, tags map[string]string) (*int32, error) {
	if policy == nil && len(arns) == 0 && len(tags) == 0 {
		return nil, nil
	}
	size, n := 0, 0
	if policy != nil {
		var err error
		if n, err = checkPolicy(ctx, *policy); err != nil {
			return nil, err
		}
		// Policies pack well: whitespace goes and keywords compress.
		size += n * 3 / 4
	}
	for _, a := range arns {
		size += len(a.ARN) + packedARNOverhead
	}
	for k, v := range tags {
		size += len(k) + len(v) + packedTagOverhead
	}
	pct := (size*100 + packedLimit - 1) / packedLimit
	if pct > 100 {
		protocol.SetReason(ctx, fmt.Sprintf("the session policy of %d characters (without blanks), %d policy ARNs and %d session tags pack to %d bytes, over the %d bytes idpool allows",
			n, len(arns), len(tags), size, packedLimit))
		if len(tags) > 0 {
			return nil, errPackedTooLarge("Packed size of session tags consumes %d%% of allotted space.", pct)
		}
		return nil, errPackedTooLarge("Packed size of session policies consumes %d%% of allotted space.", pct)
	}
	p := int32(pct)
	return &p, nil
}

// maxSessionTags is how many session tags a session may carry (the
// model's tagListType).
const maxSessionTags = 50

// msgBadTags is what AssumeRoleWithWebIdentity answers a token whose tags
// STS cannot take (a ValidationError seen from AWS in 2025,
// hashicorp/terraform-provider-aws#44712; AWS says no more than this).
const msgBadTags = "Unable to validate tags"

// tagLimits checks tags that did not come through a request's Tags
// parameter, where the codec checks each against the model: the
// https://aws.amazon.com/tags claim of a web identity token, and the
// principal tags Cognito hands STS. Each must be a session tag AssumeRole
// would take (the model's tagKeyType and tagValueType: key 1–128 and value
// 0–256 characters of letters, blanks, digits and _.:/=+-@), and there
// may be at most 50 of them. Their keys must differ whatever their case,
// as AssumeRole's Tags must (sessionTags): a token giving Repo and repo
// is refused with AssumeRole's answer to the same tags [unconfirmed for
// tokens: STS may answer its "Unable to validate tags" instead], rather
// than making a session of one of them, whichever the map gives first.
func tagLimits(ctx context.Context, tags map[string]string) error {
	if len(tags) > maxSessionTags {
		protocol.SetReason(ctx, fmt.Sprintf("%d session tags, over the %d STS allows", len(tags), maxSessionTags))
		return errValidation(msgBadTags)
	}
	if a, b, dup := duplicateKeys(tags); dup {
		protocol.SetReason(ctx, fmt.Sprintf("the session tag keys %q and %q are the same key: tag keys are compared whatever their case", a, b))
		return errInvalidParameter(msgDuplicateTags)
	}
	// The tags are checked in map order; the reason names the bad tag
	// first in sorted key order, so that it is the same at every try.
	m := shape.STS()
	var (
		bad      string
		found    bool
		badValue bool // else its key is bad
	)
	for k, v := range tags {
		keyBad := m.Validate("tagKeyType", k) != nil
		if (keyBad || m.Validate("tagValueType", v) != nil) && (!found || k < bad) {
			bad, found, badValue = k, true, !keyBad
		}
	}
	switch {
	case found && !badValue:
		protocol.SetReason(ctx, fmt.Sprintf("the session tag key %q is not one STS takes (1 to 128 letters, blanks, digits or _.:/=+-@)", bad))
		return errValidation(msgBadTags)
	case found:
		protocol.SetReason(ctx, fmt.Sprintf("the value of session tag %q (%d characters) is not one STS takes (at most 256 letters, blanks, digits or _.:/=+-@)",
			bad, utf8.RuneCountInString(tags[bad])))
		return errValidation(msgBadTags)
	}
	return nil
}

// duplicateKeys returns two keys of tags that differ only in case, the
// first such pair in sorted order, so that the reason is the same at
// every try. It runs at every issuance, mostly of no tag or one: those
// allocate nothing, and the keys are sorted only when two collide.
func duplicateKeys(tags map[string]string) (a, b string, dup bool) {
	if len(tags) < 2 {
		return "", "", false
	}
	seen := make(map[string]struct{}, len(tags))
	for k := range tags {
		lower := strings.ToLower(k)
		if _, ok := seen[lower]; ok {
			dup = true
			break
		}
		seen[lower] = struct{}{}
	}
	if !dup {
		return "", "", false
	}
	first := make(map[string]string, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		lower := strings.ToLower(k)
		if f, ok := first[lower]; ok {
			return f, k, true
		}
		first[lower] = k
	}
	return "", "", false
}

// CheckSessionTags checks a session's tags as AssumeRoleWithWebIdentity
// checks the tags of a token: each tag against STS's limits, then all of
// them against the packed-policy space (see tagLimits and packedSize). The
// enhanced flow, which hands a Cognito session's principal tags to STS,
// fails where they do not pass.
func CheckSessionTags(ctx context.Context, tags map[string]string) error {
	if err := tagLimits(ctx, tags); err != nil {
		return err
	}
	_, err := packedSize(ctx, nil, nil, tags)
	return err
}

// checkPolicy checks that a session policy is a JSON object with a
// Statement, the least the IAM grammar asks, and returns its size without
// insignificant whitespace.
func checkPolicy(ctx context.Context, doc string) (int, error) {
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &p); err != nil || p == nil {
		why := "it is not a JSON object"
		if err != nil {
			why = err.Error()
		}
		protocol.SetReason(ctx, "the session policy does not parse: "+why)
		return 0, errMalformedPolicy("The policy is not in the valid JSON format.")
	}
	if _, ok := p["Statement"]; !ok {
		protocol.SetReason(ctx, "the session policy has no Statement")
		return 0, errMalformedPolicy("Syntax errors in policy.")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(strings.TrimFunc(doc, unicode.IsSpace))); err != nil {
		return 0, errMalformedPolicy("The policy is not in the valid JSON format.")
	}
	return b.Len(), nil
}
