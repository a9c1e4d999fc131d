package cognitosync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// MaxKeyLen is the model's limit on a record key, in characters
// (UTF16Len); fixtures hold their records' keys to it too.
const MaxKeyLen = 1024

// ListRecords returns the records of a dataset changed after LastSyncCount
// (tombstones of removed records included, in key order), the dataset's
// sync state, and a SyncSessionToken for the UpdateRecords that follows.
// It never fails for a dataset that does not exist: a device learns so
// from DatasetExists, and that a copy it holds was deleted from
// DatasetDeletedAfterRequestedSyncCount.
//
// The dataset and the page of its records are read together, from one
// state of the store (storage.DatasetReader.DatasetRecords): a write
// landing meanwhile is in both or in neither. Read apart, a device could
// be told a DatasetSyncCount below that of the records it gets, which it
// stores as its count and pulls again; that a live dataset has no
// records; or the count of a dataset from before its deletion with the
// records of its re-creation and DatasetDeletedAfterRequestedSyncCount
// false, so that it never learns of the deletion and keeps records the
// deletion removed. Later pages report the sync count of the first page
// (carried in NextToken), so that a device that missed a change to a
// record of an earlier page fetches it again rather than skipping it.
func (s *Service) ListRecords(ctx context.Context, in *ListRecordsInput) (*ListRecordsOutput, error) {
	if _, err := authorize(ctx, "ListRecords", in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	var since int64
	if in.LastSyncCount != nil {
		if since = *in.LastSyncCount; since < 0 {
			return nil, badParam(msgNegativeSyncCount)
		}
	}
	snapshot, after := int64(-1), ""
	if in.NextToken != "" {
		pos, err := decodePage(in.NextToken, pageRecords, recordsScope(in.IdentityId, in.DatasetName, since))
		if err != nil {
			return nil, err
		}
		if snapshot, after, err = parseRecordsPos(pos); err != nil {
			return nil, err
		}
	}
	limit := pageSize(in.MaxResults, maxRecordsPage)
	now := s.now()

	d, recs, found, err := s.datasetRecords(ctx, in.IdentityPoolId, in.IdentityId, in.DatasetName, storage.ListRecordsOptions{
		SinceSyncCount: since, After: after, Limit: limit + 1,
	})
	if err != nil {
		return nil, err
	}
	if found && !d.Deleted && since > d.SyncCount {
		// A count the dataset never reached is refused, not answered
		// with nothing: the clients take this error as the sign to step
		// their count back and pull again.
		return nil, badParam(msgNoSuchSyncCount, since)
	}
	out := &ListRecordsOutput{Records: []Record{}}
	if found {
		// A device that synced before the last deletion (whose count is
		// below the deletion's own) must wipe its copy.
		out.DatasetExists = !d.Deleted
		out.DatasetSyncCount = d.SyncCount
		out.LastModifiedBy = d.LastModifiedBy
		out.DatasetDeletedAfterRequestedSyncCount = since > 0 && since < d.DeletedAtSyncCount
		if !d.Deleted {
			if snapshot < 0 {
				snapshot = d.SyncCount
			}
			if len(recs) > limit {
				recs = recs[:limit]
				out.NextToken = protocol.EncodePageToken(pageRecords, recordsScope(in.IdentityId, in.DatasetName, since), recordsPos(snapshot, recs[limit-1].Key))
			}
			out.Records = toRecords(recs)
		}
		if snapshot >= 0 && snapshot < out.DatasetSyncCount {
			out.DatasetSyncCount = snapshot
		}
		if out.MergedDatasetNames, err = s.mergedNames(ctx, in.IdentityId, in.DatasetName); err != nil {
			return nil, err
		}
	}
	out.Count = int32(len(out.Records))

	// A token the client sends along and that is still good continues its
	// session; otherwise a new session starts, counted for the pool when
	// the identity is one of the pool's.
	if in.SyncSessionToken != "" && s.validSession(in.SyncSessionToken, in.IdentityId, in.DatasetName, now) {
		out.SyncSessionToken = in.SyncSessionToken
		return out, nil
	}
	out.SyncSessionToken = s.issueSession(in.IdentityId, in.DatasetName, now)
	if in.NextToken == "" {
		known := found
		if !found {
			_, err := identityIn(ctx, s.store, in.IdentityPoolId, in.IdentityId)
			if _, wire := protocol.As(err); err != nil && !wire {
				return nil, err // a storage fault, not an unknown identity
			}
			known = err == nil
		}
		if known {
			s.countSession(in.IdentityPoolId)
		}
	}
	return out, nil
}

// datasetRecords reads a dataset, deleted or not, and, unless it is
// deleted, the page of its records o selects, both of one state of the
// store. found is false as for dataset.
func (s *Service) datasetRecords(ctx context.Context, pool, identity, name string, o storage.ListRecordsOptions) (d storage.Dataset, recs []storage.Record, found bool, err error) {
	if protocol.Elsewhere(ctx, pool) {
		return storage.Dataset{}, nil, false, nil
	}
	d, recs, err = s.store.DatasetRecords(ctx, identity, name, o)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return storage.Dataset{}, nil, false, nil
	case err != nil:
		return d, nil, false, fmt.Errorf("list records of %s/%s: %w", identity, name, err)
	case d.PoolID != pool:
		return storage.Dataset{}, nil, false, nil
	}
	return d, recs, true, nil
}

// dataset reads a dataset, deleted or not. found is false when it never
// existed, or when it belongs to another pool than the one named (the
// caller then learns nothing about the other pool), or to a pool of
// another region than the request's (protocol.Elsewhere).
func (s *Service) dataset(ctx context.Context, pool, identity, name string) (d storage.Dataset, found bool, err error) {
	if protocol.Elsewhere(ctx, pool) {
		return storage.Dataset{}, false, nil
	}
	d, err = s.store.GetDataset(ctx, identity, name)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return storage.Dataset{}, false, nil
	case err != nil:
		return d, false, fmt.Errorf("get dataset %s/%s: %w", identity, name, err)
	case d.PoolID != pool:
		return storage.Dataset{}, false, nil
	}
	return d, true, nil
}

// mergedNames returns the names of the live datasets an identity merge
// stored beside dataset name: those whose MergedFromName is name (see
// MergeDatasets). Their names start with name and a dot, or with name's
// first mergedPrefix characters when name is longer (see mergedName);
// names with a common prefix are adjacent in name order, so the scan reads
// only them. It runs on every ListRecords, and the store answers
// ListDatasets from memory when it can; the first page is of one dataset,
// which is all it takes to learn that there are none, as there usually
// are none.
func (s *Service) mergedNames(ctx context.Context, identity, name string) ([]string, error) {
	prefix := MergedPrefix(name)
	var names []string
	after := prefix
	for n := 1; ; n = maxDatasetsPage {
		ds, err := s.store.ListDatasets(ctx, identity, after, n)
		if err != nil {
			return nil, fmt.Errorf("list datasets of %s: %w", identity, err)
		}
		for i := range ds {
			if !strings.HasPrefix(ds[i].Name, prefix) {
				return names, nil
			}
			if ds[i].MergedFrom != "" && ds[i].MergedFromName == name {
				names = append(names, ds[i].Name)
			}
		}
		if len(ds) < n {
			return names, nil
		}
		after = ds[len(ds)-1].Name
	}
}

// UpdateRecords applies record patches to a dataset, all or nothing, and
// returns the records written. The dataset is created by its first write.
// Every patch must carry the record's current sync count (0 for a record
// the server does not have) unless it leaves the value as stored;
// otherwise the whole call fails with ResourceConflictException and
// nothing is written. A successful call with patches bumps the dataset's
// sync count by exactly one, through a compare-and-swap on the count read
// in the same transaction, and stamps every written record with the new
// count.
func (s *Service) UpdateRecords(ctx context.Context, in *UpdateRecordsInput) (*UpdateRecordsOutput, error) {
	p, err := authorize(ctx, "UpdateRecords", in.IdentityPoolId, in.IdentityId)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if why := s.sessionProblem(in.SyncSessionToken, in.IdentityId, in.DatasetName, now); why != "" {
		protocol.SetReason(ctx, why)
		return nil, badSession()
	}
	if err := checkPatches(in.RecordPatches); err != nil {
		return nil, err
	}
	if len(in.RecordPatches) == 0 {
		if _, err := identityIn(ctx, s.store, in.IdentityPoolId, in.IdentityId); err != nil {
			return nil, err
		}
		return &UpdateRecordsOutput{Records: []Record{}}, nil
	}
	by := modifier(p, in.DeviceId)
	keys := make([]string, len(in.RecordPatches))
	for i := range in.RecordPatches {
		keys[i] = in.RecordPatches[i].Key
	}
	var written []storage.Record
	err = s.update(ctx, func(tx storage.Tx) error {
		if _, err := identityIn(ctx, tx, in.IdentityPoolId, in.IdentityId); err != nil {
			return err
		}
		d, err := tx.GetDataset(ctx, in.IdentityId, in.DatasetName)
		found := err == nil
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("get dataset %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		live := found && !d.Deleted
		var stored map[string]storage.Record
		if live {
			if stored, err = tx.GetRecords(ctx, in.IdentityId, in.DatasetName, keys); err != nil {
				return fmt.Errorf("get records of %s/%s: %w", in.IdentityId, in.DatasetName, err)
			}
		}

		var num, size int64
		if live {
			num, size = d.NumRecords, d.DataStorage
		}
		oldNum, oldSize := num, size
		for i := range in.RecordPatches {
			pt := &in.RecordPatches[i]
			cur, had := stored[pt.Key]
			val := newValue(pt)
			if pt.SyncCount != cur.SyncCount {
				return conflict(msgStaleRecord, pt.Key, cur.SyncCount, pt.SyncCount)
			}
			if had && cur.Value != nil {
				num--
				size -= RecordSize(pt.Key, *cur.Value)
			}
			if val != nil {
				num++
				size += RecordSize(pt.Key, *val)
			}
		}
		// A call may always shrink a dataset, even one over a quota (one
		// an identity merge filled, or a quota lowered since).
		if num > int64(s.cfg.MaxRecords) && num > oldNum {
			return limitExceeded(msgTooManyRecords, in.DatasetName, s.cfg.MaxRecords)
		}
		if size > s.cfg.MaxDatasetBytes && size > oldSize {
			return limitExceeded(msgDatasetTooLarge, in.DatasetName, s.cfg.MaxDatasetBytes)
		}
		if !live {
			u, err := tx.IdentityUsage(ctx, in.IdentityId)
			if err != nil {
				return fmt.Errorf("usage of %s: %w", in.IdentityId, err)
			}
			if u.DatasetCount >= int64(s.cfg.MaxDatasets) {
				return limitExceeded(msgTooManyDatasets, in.IdentityId, s.cfg.MaxDatasets)
			}
		}

		expect := d.SyncCount // 0 when the dataset never existed
		if !live {
			// Created, or re-created after a deletion: the sync count
			// continues from the deleted dataset's, so that devices
			// holding the old dataset always see a higher count.
			d = storage.Dataset{
				IdentityID:         in.IdentityId,
				Name:               in.DatasetName,
				PoolID:             in.IdentityPoolId,
				SyncCount:          expect,
				DeletedAtSyncCount: d.DeletedAtSyncCount,
				CreatedAt:          now,
			}
		}
		d.SyncCount = expect + 1
		d.LastModifiedBy, d.ModifiedAt = by, now
		d.NumRecords, d.DataStorage = num, size
		if err := tx.PutDataset(ctx, d, expect); err != nil {
			return fmt.Errorf("put dataset %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		written = make([]storage.Record, len(in.RecordPatches))
		for i := range in.RecordPatches {
			pt := &in.RecordPatches[i]
			written[i] = storage.Record{
				Key:            pt.Key,
				Value:          newValue(pt),
				SyncCount:      d.SyncCount,
				LastModifiedBy: by,
				ModifiedAt:     now,
			}
			if pt.DeviceLastModifiedDate != nil {
				written[i].DeviceModifiedAt = pt.DeviceLastModifiedDate.Time()
			}
		}
		if err := tx.PutRecords(ctx, in.IdentityId, in.DatasetName, written); err != nil {
			return fmt.Errorf("put records of %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		return nil
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, conflict(msgDatasetConflict, in.DatasetName)
	}
	if err != nil {
		return nil, err
	}
	return &UpdateRecordsOutput{Records: toRecords(written)}, nil
}

// checkPatches enforces what the model cannot: a known Op, a key of 1 to
// 1024 characters given once, a non-negative sync count, and a value for
// every replace.
func checkPatches(patches []RecordPatch) error {
	var seen map[string]struct{}
	if len(patches) > 1 {
		seen = make(map[string]struct{}, len(patches))
	}
	for i := range patches {
		pt := &patches[i]
		if pt.Key == "" || len(pt.Key) > 4*MaxKeyLen || UTF16Len(pt.Key) > MaxKeyLen {
			return badParam(msgBadKey, MaxKeyLen)
		}
		switch pt.Op {
		case OpReplace:
			if pt.Value == nil {
				return badParam(msgNoValue, pt.Key)
			}
		case OpRemove:
		default:
			return badParam(msgBadOp, pt.Op, pt.Key)
		}
		if pt.SyncCount < 0 {
			return badParam(msgPatchSyncCount, pt.Key)
		}
		if seen != nil {
			if _, dup := seen[pt.Key]; dup {
				return badParam(msgDuplicateKey, pt.Key)
			}
			seen[pt.Key] = struct{}{}
		}
	}
	return nil
}

// UTF16Len counts the characters of s as the model counts a string's
// length: in UTF-16 code units, as Java does.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n++
		}
		n++
	}
	return n
}

// newValue is the value a patch leaves: nil for a removal.
func newValue(pt *RecordPatch) *string {
	if pt.Op == OpRemove {
		return nil
	}
	return pt.Value
}

// RecordSize is what a live record counts toward its dataset's size: the
// UTF-8 bytes of its key and value. Fixtures count their datasets' sizes
// with it.
func RecordSize(key, value string) int64 { return int64(len(key) + len(value)) }

// toRecords converts stored records to their wire shape: never nil, since
// an empty page is answered as [].
func toRecords(rs []storage.Record) []Record {
	out := make([]Record, len(rs))
	for i := range rs {
		r := &rs[i]
		out[i] = Record{
			Key:                    r.Key,
			Value:                  r.Value,
			SyncCount:              r.SyncCount,
			LastModifiedDate:       stamp(r.ModifiedAt),
			LastModifiedBy:         r.LastModifiedBy,
			DeviceLastModifiedDate: stamp(r.DeviceModifiedAt),
		}
	}
	return out
}

// stamp is t as an optional wire timestamp: nil for the zero time.
func stamp(t time.Time) *protocol.Time {
	if t.IsZero() {
		return nil
	}
	ts := protocol.At(t)
	return &ts
}
