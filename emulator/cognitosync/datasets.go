package cognitosync

import (
	"context"
	"errors"
	"fmt"

	"github.com/idpool/idpool/protocol"
	"github.com/idpool/idpool/storage"
)

// ListDatasets lists the live datasets of an identity in name order. An
// identity that is unknown, not of the pool named, or of a pool of another
// region than the request's (protocol.Elsewhere), has none: the model
// gives the operation no ResourceNotFoundException.
func (s *Service) ListDatasets(ctx context.Context, in *ListDatasetsInput) (*ListDatasetsOutput, error) {
	if _, err := authorize(ctx, "ListDatasets", in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	after, err := decodePage(in.NextToken, pageDatasets, in.IdentityId)
	if err != nil {
		return nil, err
	}
	n := pageSize(in.MaxResults, maxDatasetsPage)
	var ds []storage.Dataset
	if !protocol.Elsewhere(ctx, in.IdentityPoolId) {
		if ds, err = s.store.ListDatasets(ctx, in.IdentityId, after, n+1); err != nil {
			return nil, fmt.Errorf("list datasets of %s: %w", in.IdentityId, err)
		}
	}
	// Every dataset of an identity is of the identity's pool.
	if len(ds) > 0 && ds[0].PoolID != in.IdentityPoolId {
		ds = nil
	}
	out := &ListDatasetsOutput{Datasets: make([]Dataset, 0, min(len(ds), n))}
	if len(ds) > n {
		ds = ds[:n]
		out.NextToken = protocol.EncodePageToken(pageDatasets, in.IdentityId, ds[n-1].Name)
	}
	for i := range ds {
		out.Datasets = append(out.Datasets, toDataset(&ds[i]))
	}
	out.Count = int32(len(out.Datasets))
	return out, nil
}

// DescribeDataset returns the metadata of a live dataset.
func (s *Service) DescribeDataset(ctx context.Context, in *DescribeDatasetInput) (*DescribeDatasetOutput, error) {
	if _, err := authorize(ctx, "DescribeDataset", in.IdentityPoolId, in.IdentityId); err != nil {
		return nil, err
	}
	d, found, err := s.dataset(ctx, in.IdentityPoolId, in.IdentityId, in.DatasetName)
	if err != nil {
		return nil, err
	}
	if !found || d.Deleted {
		if _, err := identityIn(ctx, s.store, in.IdentityPoolId, in.IdentityId); err != nil {
			return nil, err
		}
		return nil, notFound(msgDatasetNotFound, in.DatasetName)
	}
	return &DescribeDatasetOutput{Dataset: toDataset(&d)}, nil
}

// DeleteDataset deletes a dataset with its records and returns its
// metadata as it was. The dataset keeps a row marked deleted, so that
// ListRecords tells devices holding a copy to drop it, and so that a
// re-created dataset continues its sync count. The deletion itself takes
// one sync count: a device that synced the dataset at any count before the
// deletion holds a smaller count than the deletion's, and one that listed
// it after holds at least that count, so ListRecords can tell the two
// apart.
func (s *Service) DeleteDataset(ctx context.Context, in *DeleteDatasetInput) (*DeleteDatasetOutput, error) {
	p, err := authorize(ctx, "DeleteDataset", in.IdentityPoolId, in.IdentityId)
	if err != nil {
		return nil, err
	}
	by := modifier(p, "")
	var before storage.Dataset
	err = s.update(ctx, func(tx storage.Tx) error {
		if _, err := identityIn(ctx, tx, in.IdentityPoolId, in.IdentityId); err != nil {
			return err
		}
		d, err := tx.GetDataset(ctx, in.IdentityId, in.DatasetName)
		if errors.Is(err, storage.ErrNotFound) || err == nil && d.Deleted {
			return notFound(msgDatasetNotFound, in.DatasetName)
		}
		if err != nil {
			return fmt.Errorf("get dataset %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		before = d
		// The deletion takes one sync count of its own (spec §4.3 leaves
		// this open). A device that synced before it holds a lower count
		// and is told to wipe; one that listed after it holds this count
		// and is not; a re-created dataset goes on from here, so a device
		// that re-creates it sees the "+1" its client library checks.
		d.Deleted = true
		d.SyncCount++
		d.DeletedAtSyncCount = d.SyncCount
		d.MergedFrom, d.MergedFromName = "", ""
		d.NumRecords, d.DataStorage = 0, 0
		d.LastModifiedBy, d.ModifiedAt = by, s.now()
		if err := tx.PutDataset(ctx, d, before.SyncCount); err != nil {
			return fmt.Errorf("put dataset %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		if err := tx.DeleteRecords(ctx, in.IdentityId, in.DatasetName); err != nil {
			return fmt.Errorf("delete records of %s/%s: %w", in.IdentityId, in.DatasetName, err)
		}
		return nil
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, conflict(msgDatasetConflict, in.DatasetName)
	}
	if err != nil {
		return nil, err
	}
	return &DeleteDatasetOutput{Dataset: toDataset(&before)}, nil
}

// toDataset converts a stored dataset to its wire shape.
func toDataset(d *storage.Dataset) Dataset {
	return Dataset{
		IdentityId:       d.IdentityID,
		DatasetName:      d.Name,
		CreationDate:     timePtr(d.CreatedAt),
		LastModifiedDate: timePtr(d.ModifiedAt),
		LastModifiedBy:   d.LastModifiedBy,
		DataStorage:      d.DataStorage,
		NumRecords:       d.NumRecords,
	}
}
