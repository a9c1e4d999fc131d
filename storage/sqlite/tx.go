package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/idpool/idpool/storage"
)

// errTxDone is returned by a Tx used after its Update function returned.
var errTxDone = errors.New("sqlite: transaction used after its update returned")

// tx is the storage.Tx handed to one Update function. It runs on the
// writer's connection, in the writer goroutine.
type tx struct {
	w    *writer
	done bool
}

var _ storage.Tx = (*tx)(nil)

// check refuses to start a statement once the tx is over or ctx is done.
func (t *tx) check(ctx context.Context) error {
	if t.done {
		return errTxDone
	}
	return ctx.Err()
}

// atomically runs fn inside savepoint "op", so that a method made of
// several statements writes all of them or none, even when the Update
// function goes on after the method failed.
func (t *tx) atomically(fn func() error) error {
	st := &t.w.st
	if _, err := exec(st.saveOp); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := exec(st.rollbackOp); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr))
		}
		if _, rerr := exec(st.releaseOp); rerr != nil {
			return errors.Join(err, fmt.Errorf("release savepoint: %w", rerr))
		}
		return err
	}
	if _, err := exec(st.releaseOp); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// affected returns ErrNotFound if res changed no row.
func affected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// GetPool implements storage.Reader. While the transaction has not written
// a pool, the committed pools are its pools, and the cache serves them.
func (t *tx) GetPool(ctx context.Context, id string) (storage.Pool, error) {
	if err := t.check(ctx); err != nil {
		return storage.Pool{}, err
	}
	if !t.w.poolsWritten {
		return t.w.read.cachedPool(context.Background(), t.w.cache, id)
	}
	return t.w.read.pool(context.Background(), id)
}

// ListPools implements storage.Reader.
func (t *tx) ListPools(ctx context.Context, after string, limit int) ([]storage.Pool, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.pools(context.Background(), after, limit)
}

// CountPools implements storage.Reader.
func (t *tx) CountPools(ctx context.Context) (int, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.w.read.countAllPools(context.Background())
}

// GetIdentity implements storage.Reader.
func (t *tx) GetIdentity(ctx context.Context, id string) (storage.Identity, error) {
	if err := t.check(ctx); err != nil {
		return storage.Identity{}, err
	}
	return t.w.read.identity(context.Background(), id)
}

// IdentityByLogin implements storage.Reader.
func (t *tx) IdentityByLogin(ctx context.Context, poolID string, login storage.Login) (storage.Identity, error) {
	if err := t.check(ctx); err != nil {
		return storage.Identity{}, err
	}
	return t.w.read.identityWithLogin(context.Background(), poolID, login)
}

// ListIdentities implements storage.Reader.
func (t *tx) ListIdentities(ctx context.Context, poolID string, opts storage.ListIdentitiesOptions) ([]storage.Identity, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.identities(context.Background(), poolID, opts)
}

// CountIdentities implements storage.Reader.
func (t *tx) CountIdentities(ctx context.Context, poolID string) (storage.IdentityCount, error) {
	if err := t.check(ctx); err != nil {
		return storage.IdentityCount{}, err
	}
	return t.w.read.identityCount(context.Background(), poolID)
}

// SigningKeys implements storage.Reader.
func (t *tx) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.keys(context.Background())
}

// Secret implements storage.Reader.
func (t *tx) Secret(ctx context.Context, name string) ([]byte, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.w.read.secretValue(context.Background(), name)
}

// CreateSecret implements storage.Tx.
func (t *tx) CreateSecret(ctx context.Context, name string, value []byte) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	if _, err := exec(t.w.st.insertSecret, name, value); err != nil {
		return fmt.Errorf("sqlite: create secret %s: %w", name, sentinel(err))
	}
	return nil
}

// CreatePool implements storage.Tx.
func (t *tx) CreatePool(ctx context.Context, p storage.Pool) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	config, err := encodePool(&p)
	if err != nil {
		return fmt.Errorf("sqlite: create pool %s: encode config: %w", p.ID, err)
	}
	t.w.poolsWritten = true
	err = t.atomically(func() error {
		// A pool of the same id still being purged goes at once, with
		// everything left in it, in one statement however much that is:
		// the new one starts empty. A caller that knows the id in
		// advance (a fixture) calls Store.PurgePool first, which leaves
		// nothing here but in bounded steps.
		res, err := exec(t.w.st.finishPurge, p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			t.w.allDatasets = true
		}
		_, err = exec(t.w.st.insertPool, p.ID, p.Name, string(config), millis(p.CreatedAt), millis(p.ModifiedAt))
		return sentinel(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create pool %s: %w", p.ID, err)
	}
	return nil
}

// UpdatePool implements storage.Tx.
func (t *tx) UpdatePool(ctx context.Context, p storage.Pool) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	config, err := encodePool(&p)
	if err != nil {
		return fmt.Errorf("sqlite: update pool %s: encode config: %w", p.ID, err)
	}
	t.w.poolsWritten = true
	res, err := exec(t.w.st.updatePool, p.ID, p.Name, string(config), millis(p.CreatedAt), millis(p.ModifiedAt))
	if err == nil {
		err = affected(res)
	}
	if err != nil {
		return fmt.Errorf("sqlite: update pool %s: %w", p.ID, err)
	}
	return nil
}

// DeletePool implements storage.Tx. It marks the pool deleted, which hides
// it and its identities from every read at once, and runs a first purge
// step, which removes a small pool whole. A pool that had more is removed
// by the purger in further steps, each its own transaction and bounded
// by rows (purge.go), so that deleting a large pool never holds up other
// writes for long, whatever its identities hold; the mark is committed
// with this transaction, so a crash cannot leave the pool half visible.
func (t *tx) DeletePool(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.w.poolsWritten = true
	err := t.atomically(func() error {
		res, err := exec(t.w.st.markPool, id)
		if err == nil {
			err = affected(res)
		}
		if err != nil {
			return err
		}
		gone, err := t.purgeStep(id)
		if err == nil && !gone {
			t.w.marked = true
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete pool %s: %w", id, err)
	}
	return nil
}

// insertLogins links logins to identity i in order.
func (t *tx) insertLogins(i *storage.Identity) error {
	for n, l := range i.Logins {
		if _, err := exec(t.w.st.insertLogin, i.PoolID, l.Provider, l.UserID, i.ID, n); err != nil {
			return fmt.Errorf("login %s/%s: %w", l.Provider, l.UserID, sentinel(err))
		}
	}
	return nil
}

// CreateIdentity implements storage.Tx. An id held only by an identity
// of a pool marked deleted, which the purger has not reached yet, is free:
// that identity goes first, with everything it holds, as the purger would
// remove it. This is looked for only when the id is taken, so that the
// common case stays one statement.
func (t *tx) CreateIdentity(ctx context.Context, i storage.Identity) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	insert := func() error {
		err := t.insertIdentity(&i)
		if errors.Is(err, storage.ErrAlreadyExists) {
			res, derr := exec(t.w.st.dropDead, i.ID)
			if derr != nil {
				return derr
			}
			if n, _ := res.RowsAffected(); n > 0 {
				// Its datasets went with it: the sync cache must forget.
				t.w.allDatasets = true
				err = t.insertIdentity(&i)
			}
		}
		if err != nil {
			return err
		}
		return t.insertLogins(&i)
	}
	// One statement is atomic by itself; a dead identity removed before a
	// failed insert is no change anyone can see.
	var err error
	if len(i.Logins) == 0 {
		err = insert()
	} else {
		err = t.atomically(insert)
	}
	if err != nil {
		return fmt.Errorf("sqlite: create identity %s: %w", i.ID, err)
	}
	return nil
}

// insertIdentity inserts the row of identity i, without its logins.
func (t *tx) insertIdentity(i *storage.Identity) error {
	res, err := exec(t.w.st.insertIdentity, i.ID, i.PoolID, boolInt(i.Disabled), i.MergedInto, millis(i.CreatedAt), millis(i.ModifiedAt))
	if err == nil {
		err = affected(res) // the pool is marked deleted
	}
	if err != nil {
		if errors.Is(sentinel(err), storage.ErrNotFound) {
			return fmt.Errorf("pool %s: %w", i.PoolID, storage.ErrNotFound)
		}
		return sentinel(err)
	}
	return nil
}

// UpdateIdentity implements storage.Tx. The identity's logins are
// rewritten in the order given, which releases those no longer listed.
func (t *tx) UpdateIdentity(ctx context.Context, i storage.Identity) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	err := t.atomically(func() error {
		res, err := exec(t.w.st.updateIdentity, i.ID, i.PoolID, boolInt(i.Disabled), i.MergedInto, millis(i.CreatedAt), millis(i.ModifiedAt))
		if err != nil {
			if errors.Is(sentinel(err), storage.ErrNotFound) {
				return fmt.Errorf("pool %s: %w", i.PoolID, storage.ErrNotFound)
			}
			return err
		}
		if err := affected(res); err != nil {
			return err
		}
		if _, err := exec(t.w.st.deleteLogins, i.ID); err != nil {
			return err
		}
		return t.insertLogins(&i)
	})
	if err != nil {
		return fmt.Errorf("sqlite: update identity %s: %w", i.ID, err)
	}
	return nil
}

// DeleteIdentity implements storage.Tx. The foreign keys cascade to the
// identity's logins, datasets, records, devices and subscriptions; the
// identities merged into it forget it in the same savepoint.
func (t *tx) DeleteIdentity(ctx context.Context, id string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.w.allDatasets = true
	err := t.atomically(func() error {
		res, err := exec(t.w.st.deleteIdentity, id)
		if err == nil {
			err = affected(res)
		}
		if err == nil {
			_, err = exec(t.w.st.unmerge, id)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete identity %s: %w", id, err)
	}
	return nil
}

// CreateSigningKey implements storage.Tx.
func (t *tx) CreateSigningKey(ctx context.Context, k storage.SigningKey) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	err := t.atomically(func() error {
		// A nil key would violate NOT NULL; store it as empty.
		key := k.PrivateKey
		if key == nil {
			key = []byte{}
		}
		retired := optMillis(k.RetiredAt)
		if k.Active {
			retired = nil
		}
		if _, err := exec(t.w.st.insertKey, k.ID, key, millis(k.CreatedAt), boolInt(k.Active), retired); err != nil {
			return sentinel(err)
		}
		if k.Active {
			if _, err := exec(t.w.st.deactivateKeys, k.ID, millis(k.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: create signing key %s: %w", k.ID, err)
	}
	return nil
}

// DeleteSigningKey implements storage.Tx.
func (t *tx) DeleteSigningKey(ctx context.Context, kid string) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	res, err := exec(t.w.st.deleteKey, kid)
	if err == nil {
		err = affected(res)
	}
	if errors.Is(err, storage.ErrNotFound) {
		// Absent, or the active key, which the statement keeps.
		keys, kerr := t.w.read.keys(context.Background())
		if kerr != nil {
			return fmt.Errorf("sqlite: delete signing key %s: %w", kid, kerr)
		}
		if slices.ContainsFunc(keys, func(k storage.SigningKey) bool { return k.ID == kid }) {
			err = fmt.Errorf("the active key: %w", storage.ErrConflict)
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete signing key %s: %w", kid, err)
	}
	return nil
}
