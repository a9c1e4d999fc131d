package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/idpool/idpool/cmd/idpool-bench/internal/load"
)

// The Cognito Sync scenarios: reading a dataset and writing records, each
// signed with the credentials Cognito Identity gave the dataset's identity.

// readRecords is the size of the dataset ListRecords reads.
const readRecords = 20

// Sizing of the UpdateRecords scenario. Every write adds a new record, and
// Cognito Sync caps a dataset at 1024 records (and 1 MB) and an identity at
// 20 datasets, so the writes are spread over as many datasets, of as many
// identities, as a run can fill.
const (
	writesPerDataset    = 1000 // below the 1024 records of a dataset
	datasetsPerIdentity = 20   // the quota of datasets per identity
	// writeCeiling is the write rate, in requests per second, the set-up
	// prepares datasets for. It is well above what a durable commit path
	// sustains on a small machine; a server that writes faster runs out
	// of prepared datasets and its writes then fail with
	// LimitExceededException.
	writeCeiling = 25_000
)

// writeValue is the value of every record UpdateRecords writes.
const writeValue = "idpool-bench:0123456789abcdefghij"

// record is a record as Cognito Sync answers it.
type record struct {
	Key       string
	Value     *string
	SyncCount int64
}

// recordsPage is the answer of ListRecords.
type recordsPage struct {
	Records          []record
	Count            int
	DatasetSyncCount int64
	DatasetExists    bool
	SyncSessionToken string
}

func setupListRecords(ctx context.Context, c *identityClient) (load.Request, error) {
	pool, err := c.guestPool(ctx, "records")
	if err != nil {
		return load.Request{}, err
	}
	id, err := c.guest(ctx, pool)
	if err != nil {
		return load.Request{}, err
	}
	creds, err := c.credentials(ctx, id)
	if err != nil {
		return load.Request{}, err
	}
	sign := c.syncSigning(creds)
	dataset := c.datasetURL(pool, id, "bench")
	first, err := c.listRecords(ctx, dataset, sign)
	if err != nil {
		return load.Request{}, err
	}
	patches := make([]map[string]any, readRecords)
	for i := range patches {
		patches[i] = map[string]any{
			"Op":        "replace",
			"Key":       fmt.Sprintf("k%02d", i+1),
			"Value":     fmt.Sprintf("value %02d of the idpool-bench dataset", i+1),
			"SyncCount": 0,
		}
	}
	body, err := json.Marshal(map[string]any{"SyncSessionToken": first.SyncSessionToken, "RecordPatches": patches})
	if err != nil {
		return load.Request{}, err
	}
	var written struct{ Records []record }
	if err := c.callSync(ctx, "UpdateRecords", c.syncRequest(http.MethodPost, dataset, body, sign), &written); err != nil {
		return load.Request{}, err
	}
	if len(written.Records) != readRecords {
		return load.Request{}, fmt.Errorf("UpdateRecords of %d records answered %d", readRecords, len(written.Records))
	}
	// The scenario reads the whole dataset every time.
	got, err := c.listRecords(ctx, dataset, sign)
	if err != nil {
		return load.Request{}, err
	}
	if !got.DatasetExists || len(got.Records) != readRecords || got.DatasetSyncCount < 1 {
		return load.Request{}, fmt.Errorf("ListRecords after writing %d records answered %d, dataset exists %v, sync count %d",
			readRecords, len(got.Records), got.DatasetExists, got.DatasetSyncCount)
	}
	return c.syncRequest(http.MethodGet, dataset+"/records", nil, sign), nil
}

func setupUpdateRecords(ctx context.Context, c *identityClient) (load.Stream, error) {
	w, err := c.prepareWrites(ctx)
	if err != nil {
		return nil, err
	}
	return w.stream, nil
}

// prepareWrites creates the identities and prepares the datasets the
// UpdateRecords scenario writes into, and checks one write.
func (c *identityClient) prepareWrites(ctx context.Context) (*writes, error) {
	pool, err := c.guestPool(ctx, "writes")
	if err != nil {
		return nil, err
	}
	n := writeDatasets(c.sending, c.workers)
	ids := (n + datasetsPerIdentity - 1) / datasetsPerIdentity
	signs := make([]*load.Signing, ids)
	names := make([]string, ids)
	for i := range ids {
		if names[i], err = c.guest(ctx, pool); err != nil {
			return nil, err
		}
		creds, err := c.credentials(ctx, names[i])
		if err != nil {
			return nil, err
		}
		signs[i] = c.syncSigning(creds)
	}
	// Consecutive datasets belong to different identities, so that the
	// workers, which take datasets in turn, write for many identities at
	// once, as many devices would.
	w := &writes{per: writesPerDataset, datasets: make([]writeDataset, n)}
	for i := range w.datasets {
		owner := i % ids
		url := c.datasetURL(pool, names[owner], fmt.Sprintf("bench-%02d", i/ids))
		page, err := c.listRecords(ctx, url, signs[owner])
		if err != nil {
			return nil, err
		}
		if page.DatasetExists {
			return nil, fmt.Errorf("ListRecords found a dataset %s of a new identity", url)
		}
		if w.datasets[i], err = newWriteDataset(url, page.SyncSessionToken, signs[owner]); err != nil {
			return nil, err
		}
	}
	// A probe, with a dataset of its own, checks that a write is what the
	// scenario claims: one new record stored.
	probe := w.stream(0)()
	var out struct{ Records []record }
	if err := c.callSync(ctx, "UpdateRecords", probe, &out); err != nil {
		return nil, err
	}
	if len(out.Records) != 1 || out.Records[0].SyncCount < 1 || out.Records[0].Value == nil || *out.Records[0].Value != writeValue {
		return nil, fmt.Errorf("UpdateRecords of one new record answered %+v, want that record with a sync count", out.Records)
	}
	return w, nil
}

// writeDatasets returns how many datasets the UpdateRecords scenario
// prepares for runs of workers sending for up to sending: enough for
// writeCeiling writes a second, plus two partly filled datasets per worker
// (each run of the generator gives its workers new ones), plus the probe's.
func writeDatasets(sending time.Duration, workers int) int {
	writes := int(writeCeiling*sending.Seconds()) + 1
	return (writes+writesPerDataset-1)/writesPerDataset + 2*workers + 1
}

// writes hands out the datasets of the UpdateRecords scenario: each worker
// takes a dataset of its own, writes per new records into it, one per
// request, and takes the next. Since a dataset has one writer and every
// key is new, no write conflicts with another and none exceeds a quota
// while datasets last. When they run out, datasets are taken again from
// the first, and the writes beyond a dataset's 1024 records fail.
type writes struct {
	per      int
	datasets []writeDataset
	taken    atomic.Int64 // datasets handed out so far, in all runs
}

// writeDataset is one dataset the UpdateRecords scenario writes into.
type writeDataset struct {
	url string
	// prefix and suffix surround a record key in the request body.
	prefix, suffix []byte
	sign           *load.Signing
}

// newWriteDataset prepares the writes into the dataset at url, with the
// session token its ListRecords gave and the signing of its identity.
func newWriteDataset(url, session string, sign *load.Signing) (writeDataset, error) {
	tok, err := json.Marshal(session)
	if err != nil {
		return writeDataset{}, err
	}
	prefix := `{"SyncSessionToken":` + string(tok) + `,"RecordPatches":[{"Op":"replace","Key":"`
	suffix := `","Value":"` + writeValue + `","SyncCount":0}]}`
	return writeDataset{url: url, prefix: []byte(prefix), suffix: []byte(suffix), sign: sign}, nil
}

// stream is the load.Stream of the writes: worker's requests, each writing
// a record "w<worker>-<dataset taken>-<n>" that no request wrote before.
func (w *writes) stream(worker int) func() load.Request {
	header := http.Header{"Content-Type": {"application/json"}}
	var (
		d     *writeDataset
		taken int64
		n     = w.per // writes into d so far
	)
	return func() load.Request {
		if n == w.per {
			taken = w.taken.Add(1) - 1
			d, n = &w.datasets[taken%int64(len(w.datasets))], 0
		}
		// A new body each time: the transport may still be reading the
		// previous one when its answer has arrived.
		body := make([]byte, 0, len(d.prefix)+len(d.suffix)+32)
		body = append(body, d.prefix...)
		body = append(body, 'w')
		body = strconv.AppendInt(body, int64(worker), 10)
		body = append(body, '-')
		body = strconv.AppendInt(body, taken, 10)
		body = append(body, '-')
		body = strconv.AppendInt(body, int64(n), 10)
		body = append(body, d.suffix...)
		n++
		return load.Request{Method: http.MethodPost, URL: d.url, Header: header, Body: body, Sign: d.sign}
	}
}

// syncSigning signs Cognito Sync requests with an identity's credentials.
func (c *identityClient) syncSigning(creds aws.Credentials) *load.Signing {
	return &load.Signing{Signer: c.signing.Signer, Credentials: creds, Service: "cognito-sync", Region: c.region}
}

// datasetURL returns the URL of the dataset named name of identity id in
// pool, its labels percent-encoded as the SDKs encode them (":" as %3A).
func (c *identityClient) datasetURL(pool, id, name string) string {
	return c.syncEndpoint + "/identitypools/" + escapeLabel(pool) + "/identities/" + escapeLabel(id) + "/datasets/" + escapeLabel(name)
}

// syncRequest builds a Cognito Sync request; body, when not nil, is JSON.
func (c *identityClient) syncRequest(method, url string, body []byte, sign *load.Signing) load.Request {
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	return load.Request{Method: method, URL: url, Header: h, Body: body, Sign: sign}
}

// listRecords reads the first page of the records of the dataset at url.
func (c *identityClient) listRecords(ctx context.Context, url string, sign *load.Signing) (*recordsPage, error) {
	var page recordsPage
	if err := c.callSync(ctx, "ListRecords", c.syncRequest(http.MethodGet, url+"/records", nil, sign), &page); err != nil {
		return nil, err
	}
	if page.SyncSessionToken == "" {
		return nil, fmt.Errorf("ListRecords of %s answered no SyncSessionToken", url)
	}
	return &page, nil
}

// callSync sends a Cognito Sync request once and decodes its JSON answer
// into out.
func (c *identityClient) callSync(ctx context.Context, op string, req load.Request, out any) error {
	b, err := c.do(ctx, op, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: decode answer %q: %w", op, b, err)
	}
	return nil
}

// escapeLabel percent-encodes every byte of s but RFC 3986's unreserved
// characters, as the AWS SDKs encode a REST path label.
func escapeLabel(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '.', ch == '_', ch == '~':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&0xf])
		}
	}
	return b.String()
}
