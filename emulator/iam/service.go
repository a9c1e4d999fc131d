package iam

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/idpool/idpool/emulator/outbound"
	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// Wire codes of IAM's errors.
const (
	CodeNoSuchEntity            = "NoSuchEntity"
	CodeEntityAlreadyExists     = "EntityAlreadyExists"
	CodeMalformedPolicyDocument = "MalformedPolicyDocument"
	CodeLimitExceeded           = "LimitExceeded"
	CodeDeleteConflict          = "DeleteConflict"
	CodeInvalidInput            = "InvalidInput"
)

// DefaultSessionDuration is the MaxSessionDuration of a role created
// without one, in seconds: an hour, as IAM and CloudFormation give it.
const DefaultSessionDuration = 3600

// IAM quotas idpool enforces (the defaults of an account).
const (
	maxAccessKeys      = 2  // access keys per user
	maxAttached        = 10 // managed policies per role
	maxTags            = 50 // tags per entity
	maxClientIDs       = 100
	defaultMaxItems    = 100
	minSessionDuration = 3600
	maxSessionDuration = 43200
)

// MaxPolicyVersions is how many versions a managed policy holds at most.
const MaxPolicyVersions = 5

// Config describes the account idpool plays.
type Config struct {
	AccountID string
	// Region is the default region, whose partition the ARNs take when a
	// request names none.
	Region string
	// OnChange, when set, is called after every write of the service's
	// that may have committed, so that a reader keeping IAM data in memory
	// drops it.
	OnChange func()
	// Outbound is the account's outbound identity federation, which the
	// *OutboundWebIdentityFederation operations enable, disable and read.
	// They must not be served without it.
	Outbound *outbound.Federation
}

// Service implements the IAM operations. It is safe for concurrent use.
type Service struct {
	cfg    Config
	store  storage.Store
	now    func() time.Time
	logger *slog.Logger
	// started is when the service was made: the CreateDate GetUser
	// answers for the account's root, which idpool has no date for.
	started time.Time
	// used is the last use of each role, which GetRole answers.
	used lastUses
	// codes is the time step of each MFA device's last code STS took,
	// which it takes once (CheckMFACode).
	codes usedCodes
}

// New returns the IAM service on store; now is the clock, logger may be nil.
func New(cfg Config, store storage.Store, now func() time.Time, logger *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, store: store, now: now, logger: logger, started: now().UTC()}
}

// arn returns the ARN of resource ("role/path/name") in the partition of
// the request's region.
func (s *Service) arn(ctx context.Context, resource string) string {
	return "arn:" + s.partition(ctx) + ":iam::" + s.cfg.AccountID + ":" + resource
}

// partition is the partition of the request's region: the IAM it is made
// to.
func (s *Service) partition(ctx context.Context) string {
	return protocol.Partition(protocol.RegionFrom(ctx, s.cfg.Region))
}

// newID returns a unique id as IAM makes them: a four-letter prefix that
// names the kind (AROA role, AIDA user, ANPA policy, AKIA access key) and
// upper-case letters and digits.
func newID(prefix string, n int) string {
	return prefix + rand.Text()[:n]
}

// newSecret returns a 40-character secret access key.
func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// errNoSuch is IAM's NoSuchEntity.
func errNoSuch(format string, args ...any) error {
	return protocol.Errorf(http.StatusNotFound, CodeNoSuchEntity, format, args...)
}

func errExists(format string, args ...any) error {
	return protocol.Errorf(http.StatusConflict, CodeEntityAlreadyExists, format, args...)
}

func errLimit(format string, args ...any) error {
	return protocol.Errorf(http.StatusConflict, CodeLimitExceeded, format, args...)
}

func errConflict(format string, args ...any) error {
	return protocol.Errorf(http.StatusConflict, CodeDeleteConflict, format, args...)
}

func errInvalid(format string, args ...any) error {
	return protocol.BadRequest(CodeInvalidInput, format, args...)
}

func errMalformed(format string, args ...any) error {
	return protocol.BadRequest(CodeMalformedPolicyDocument, format, args...)
}

// translate gives a storage sentinel the wire error the caller names for
// it; other errors come back unchanged (and answer InternalFailure).
func translate(err error, notFound, exists error) error {
	switch {
	case err == nil:
		return nil
	case notFound != nil && errors.Is(err, storage.ErrNotFound):
		return notFound
	case exists != nil && errors.Is(err, storage.ErrAlreadyExists):
		return exists
	}
	return err
}

// pathPattern is IAM's path, its model's pathType: "/", or "/" followed
// by printable ASCII and ending in "/". Nothing more is refused: an empty
// segment is a path IAM takes (CreateVirtualMFADevice of "/test//double/"
// answers the serial number arn:…:mfa/test//double/<name>, which lists and
// deletes as any other; localstack/localstack
// tests/aws/services/iam/test_iam_mfa.snapshot.json,
// test_virtual_mfa_device_lifecycle[/test//double/]). CreatePolicy's
// stricter policyPathType, which the query codec checks first, refuses it.
var pathPattern = regexp.MustCompile(`^/([\x21-\x7E]+/)?$`)

// path checks an optional path and returns it, "/" when absent. A path
// outside the pattern is ValidationError (400) in IAM's own words, as the
// query codec answers it before the service runs (test_iam_mfa.snapshot.json
// create-invalid-path-no-leading-slash-error, …-no-trailing-slash-error):
// a direct caller gets what the wire does.
func path(p *string) (string, error) {
	if p == nil {
		return "/", nil
	}
	if !pathPattern.MatchString(*p) {
		return "", protocol.BadRequest("ValidationError", "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return *p, nil
}

// tagRule is how an entity's tag keys compare. A role's and an OpenID
// Connect provider's keys are unique whatever their case (foldKeys); a
// managed policy's are case-sensitive (exactKeys): AWS takes tags a and A
// on one policy, lists both and untags a alone
// (test_iam_policies.snapshot.json create-with-case-sensitive-tags,
// list-after-untag-lowercase).
type tagRule struct {
	same func(a, b string) bool
	// dup is the text of InvalidInput for a key given twice.
	dup string
	// full is the text of LimitExceeded for a tagging that would leave
	// more than 50 tags.
	full string
}

const foldDup = "Duplicate tag keys found. Please note that Tag keys are case insensitive."

var (
	quota     = fmt.Sprintf("Cannot exceed quota for TagsPerEntity: %d", maxTags)
	foldKeys  = tagRule{strings.EqualFold, foldDup, quota}
	exactKeys = tagRule{func(a, b string) bool { return a == b }, "Duplicate tag keys found.", quota}
	// providerKeys are a provider's: a role's rule, another text past
	// 50 tags (test_iam_oidc.snapshot.json tags-limit-error).
	providerKeys = tagRule{strings.EqualFold, foldDup, "The number of tags has reached the maximum limit."}
)

// check converts wire tags, refusing duplicate keys and more than IAM
// allows.
func (k tagRule) check(in []Tag) ([]storage.Tag, error) {
	if len(in) > maxTags {
		return nil, errLimit("%s", quota)
	}
	var out []storage.Tag
	for _, t := range in {
		if k.index(out, t.Key) >= 0 {
			return nil, errInvalid("%s", k.dup)
		}
		out = append(out, storage.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// merge adds or replaces tags by key (a key there already is replaced by
// the new tag, its spelling too).
func (k tagRule) merge(have []storage.Tag, add []storage.Tag) ([]storage.Tag, error) {
	out := append([]storage.Tag(nil), have...)
	for _, t := range add {
		i := k.index(out, t.Key)
		if i >= 0 {
			out[i] = t
			continue
		}
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, errLimit("%s", k.full)
	}
	return out, nil
}

// without returns ts without the tags whose key is one of keys; keys no
// tag has are ignored, as IAM ignores them.
func (k tagRule) without(ts []storage.Tag, keys []string) []storage.Tag {
	return slicesFilter(ts, func(t storage.Tag) bool {
		return !slices.ContainsFunc(keys, func(key string) bool { return k.same(key, t.Key) })
	})
}

func (k tagRule) index(ts []storage.Tag, key string) int {
	return slices.IndexFunc(ts, func(t storage.Tag) bool { return k.same(t.Key, key) })
}

// wireTags is ts as an answer carries them: nil, left out, when there are
// none.
func wireTags(ts []storage.Tag) TagList {
	var out TagList
	for _, t := range ts {
		out = append(out, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

// encodeDocument is a policy document as IAM returns it: URL-encoded.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// update runs fn in one store transaction.
func (s *Service) update(ctx context.Context, fn func(tx storage.Tx) error) error {
	err := s.store.Update(ctx, fn)
	if s.cfg.OnChange != nil {
		s.cfg.OnChange()
	}
	return err
}
