package cognitosync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/idpool/idpool/storage"
)

// maxMergeNames bounds the names MergeDatasets tries for one dataset; an
// identity holds far fewer datasets than that.
const maxMergeNames = 1000

// MergeDatasets moves the live datasets of identity from, which lost an
// identity merge, to the survivor to, inside tx (spec cognito-sync.md
// §4.6). A dataset whose name the survivor does not use moves unchanged,
// sync counts included, so that the loser's devices keep syncing it where
// they left off. One whose name the survivor uses is stored beside it as
// "<name>.<from id>" with MergedFrom and MergedFromName set, and
// ListRecords of <name> reports it in MergedDatasetNames until it is
// deleted, which is how the client libraries learn to reconcile the two
// ("<name>.<from id>.<n>" if even that name is taken, shorter where that
// would be too long: see mergedName).
//
// Where the survivor has a deleted dataset of the target name, the moved
// dataset takes its place with every record stamped with a sync count
// above both datasets' counts, so that devices of either identity fetch
// them all again; the loser's copy is then deleted.
//
// Quotas are not enforced: a merge never loses data. from and to must be
// identities of the same pool; the caller disables from in the same tx.
func MergeDatasets(ctx context.Context, tx storage.Tx, from, to storage.Identity) error {
	if from.ID == to.ID {
		return nil
	}
	if from.PoolID != to.PoolID {
		return fmt.Errorf("cognitosync: merge of %s (pool %s) into %s (pool %s): identities of different pools", from.ID, from.PoolID, to.ID, to.PoolID)
	}
	// Collect first: moving datasets while paging through them would skip some.
	var names []string
	for after := ""; ; {
		ds, err := tx.ListDatasets(ctx, from.ID, after, maxDatasetsPage)
		if err != nil {
			return fmt.Errorf("list datasets of %s: %w", from.ID, err)
		}
		for i := range ds {
			names = append(names, ds[i].Name)
		}
		if len(ds) < maxDatasetsPage {
			break
		}
		after = ds[len(ds)-1].Name
	}
	for _, n := range names {
		if err := mergeDataset(ctx, tx, from.ID, to.ID, n); err != nil {
			return err
		}
	}
	return nil
}

// mergeDataset moves dataset name of identity from to identity to, under
// the first name of name, mergedName(name, from, 1), mergedName(name,
// from, 2), … that to has no live dataset of.
func mergeDataset(ctx context.Context, tx storage.Tx, from, to, name string) error {
	for i := range maxMergeNames {
		target := name
		if i > 0 {
			target = mergedName(name, from, i)
		}
		d, err := tx.GetDataset(ctx, to, target)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return moveDataset(ctx, tx, from, to, name, target)
		case err != nil:
			return fmt.Errorf("get dataset %s/%s: %w", to, target, err)
		case d.Deleted:
			return replaceDataset(ctx, tx, from, name, d)
		}
	}
	return fmt.Errorf("cognitosync: no free name to merge dataset %s of %s into %s", name, from, to)
}

// maxDatasetName is the longest dataset name, in characters (the model's
// DatasetName, whose characters are all ASCII).
const maxDatasetName = 128

// mergedPrefix is how many characters of a dataset's name every merged
// copy name of it keeps: mergedName cuts the name only as far as the
// longest suffix it adds, ".<uuid>.<i>" with i < maxMergeNames, requires.
var mergedPrefix = maxDatasetName - len(".00000000-0000-0000-0000-000000000000."+strconv.Itoa(maxMergeNames-1))

// MergedPrefix is how every name of a merged copy of dataset name starts:
// with name and a dot, or, for a name longer than mergedPrefix, with its
// first mergedPrefix characters. ListRecords of name looks for its merged
// copies among the identity's datasets of that prefix only.
func MergedPrefix(name string) string {
	if len(name) > mergedPrefix {
		return name[:mergedPrefix]
	}
	return name + "."
}

// mergedName is the i-th name (i ≥ 1) tried for dataset name of identity
// from beside the survivor's dataset of that name: "<name>.<from>", then
// "<name>.<from>.<i>". Every name it returns is a valid dataset name, so
// that the client can read and delete the merged copy: where the full
// name would be too long, the identity id loses its region ("<region>:"),
// and where even that is too long, name is cut short. The copy stores
// the name it came from, so a cut name still reports it under that name
// alone; every name returned starts with name's first mergedPrefix
// characters (all of name and a dot when name is that short), which is
// where mergedNames looks.
func mergedName(name, from string, i int) string {
	suffix := func(id string) string {
		if i > 1 {
			return id + "." + strconv.Itoa(i)
		}
		return id
	}
	s := suffix(from)
	if len(name)+1+len(s) > maxDatasetName {
		_, uuid, _ := strings.Cut(from, ":")
		s = suffix(uuid)
	}
	if over := len(name) + 1 + len(s) - maxDatasetName; over > 0 {
		name = name[:len(name)-over]
	}
	return name + "." + s
}

// moveDataset renames dataset name of from to target of to, which has no
// dataset of that name. Stored under a new name, it records where it came
// from.
func moveDataset(ctx context.Context, tx storage.Tx, from, to, name, target string) error {
	if err := tx.RenameDataset(ctx, from, name, to, target); err != nil {
		return fmt.Errorf("move dataset %s/%s to %s/%s: %w", from, name, to, target, err)
	}
	if target == name {
		return nil
	}
	d, err := tx.GetDataset(ctx, to, target)
	if err != nil {
		return fmt.Errorf("get dataset %s/%s: %w", to, target, err)
	}
	d.MergedFrom, d.MergedFromName = from, name
	if err := tx.PutDataset(ctx, d, d.SyncCount); err != nil {
		return fmt.Errorf("mark dataset %s/%s merged: %w", to, target, err)
	}
	return nil
}

// replaceDataset stores dataset name of from in place of the deleted
// dataset dst of the survivor, then deletes the loser's copy.
func replaceDataset(ctx context.Context, tx storage.Tx, from, name string, dst storage.Dataset) error {
	src, err := tx.GetDataset(ctx, from, name)
	if err != nil {
		return fmt.Errorf("get dataset %s/%s: %w", from, name, err)
	}
	recs, err := tx.ListRecords(ctx, from, name, storage.ListRecordsOptions{})
	if err != nil {
		return fmt.Errorf("list records of %s/%s: %w", from, name, err)
	}
	next := max(dst.SyncCount, src.SyncCount) + 1
	moved := src
	moved.IdentityID, moved.Name, moved.PoolID = dst.IdentityID, dst.Name, dst.PoolID
	moved.SyncCount = next
	moved.Deleted, moved.DeletedAtSyncCount = false, dst.DeletedAtSyncCount
	if dst.Name != name {
		moved.MergedFrom, moved.MergedFromName = from, name
	}
	if err := tx.PutDataset(ctx, moved, dst.SyncCount); err != nil {
		return fmt.Errorf("put dataset %s/%s: %w", dst.IdentityID, dst.Name, err)
	}
	// The store's records are read-only: the moved ones are copies.
	recs = slices.Clone(recs)
	for i := range recs {
		recs[i].SyncCount = next
	}
	if len(recs) > 0 {
		if err := tx.PutRecords(ctx, dst.IdentityID, dst.Name, recs); err != nil {
			return fmt.Errorf("put records of %s/%s: %w", dst.IdentityID, dst.Name, err)
		}
	}
	gone := src
	gone.Deleted = true
	gone.SyncCount++
	gone.DeletedAtSyncCount = gone.SyncCount
	gone.MergedFrom, gone.MergedFromName = "", ""
	gone.NumRecords, gone.DataStorage = 0, 0
	if err := tx.PutDataset(ctx, gone, src.SyncCount); err != nil {
		return fmt.Errorf("delete dataset %s/%s: %w", from, name, err)
	}
	if err := tx.DeleteRecords(ctx, from, name); err != nil {
		return fmt.Errorf("delete records of %s/%s: %w", from, name, err)
	}
	return nil
}
