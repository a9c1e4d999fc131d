package sts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/idpool/idpool/protocol"
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

// CheckSessionTags checks that a session's tags fit the packed-policy
// space, as AssumeRoleWithWebIdentity checks the tags of a token: the
// enhanced flow, which hands a Cognito session's principal tags to STS,
// fails where they do not (see packedSize).
func CheckSessionTags(ctx context.Context, tags map[string]string) error {
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
