package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/asalab/asalab/keygen"
	"github.com/asalab/asalab/sim"
	"github.com/asalab/asalab/sim/datadir"
	"github.com/asalab/asalab/sim/storefiles"
)

// Where the lab's secret came from, as the data dir's marker records it.
const (
	secretFromEnv  = "ASALAB_SECRET"
	secretFromFlag = "--secret-file"
)

// openDataDir prepares the data directory and returns the lab signing
// secret and the open store. A directory used before (it has the marker
// file, or a store) must still have its store, and its lab.secret unless
// the secret is given from outside: starting afresh there would make every
// issued activation key invalid, or lose every headend, without a word.
// The secret is never logged.
func openDataDir(f Config, log *zap.Logger) (secret []byte, store *sim.Store, err error) {
	info, marked, err := datadir.Prepare(f.DataDir, log)
	if err != nil {
		return nil, nil, err
	}
	storeDir := filepath.Join(f.DataDir, datadir.StoreDir)
	storeExists, err := storefiles.Exists(storeDir)
	if err != nil {
		return nil, nil, fmt.Errorf("data dir %s: %w", f.DataDir, err)
	}
	used := marked || storeExists

	var from string
	switch env := os.Getenv(secretFromEnv); {
	case env != "":
		from = secretFromEnv
		secret, err = keygen.ParseSecret(env)
	case f.SecretFile != "":
		from = secretFromFlag
		secret, err = keygen.ReadSecretFile(f.SecretFile)
	case used:
		from = keygen.SecretFile
		secret, err = datadir.LoadSecret(f.DataDir)
		if errors.Is(err, datadir.ErrSecretMissing) {
			if info.SecretFrom == secretFromEnv || info.SecretFrom == secretFromFlag {
				return nil, nil, fmt.Errorf("data dir %s was used with the lab secret given by %s, and neither ASALAB_SECRET nor --secret-file is given now: "+
					"a new secret would make every issued activation key invalid; give the secret again: %w", f.DataDir, info.SecretFrom, err)
			}
			return nil, nil, fmt.Errorf("data dir %s was used before but %s is missing: every issued activation key would become invalid; "+
				"restore it (or give the secret with --secret-file or ASALAB_SECRET), or start with an empty --data-dir: %w",
				f.DataDir, keygen.SecretFile, err)
		}
	default:
		from = keygen.SecretFile
		secret, err = datadir.LoadOrCreateSecret(f.DataDir)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := info.CheckSecret(secret); err != nil {
		return nil, nil, fmt.Errorf("data dir %s: the lab secret given by %s is not the one the lab used before: every issued activation key would become invalid; "+
			"give the secret used before, or, to start over with this secret on purpose, remove %s: %w",
			f.DataDir, from, filepath.Join(f.DataDir, datadir.MarkerFile), err)
	}
	check := datadir.SecretCheck(secret)

	store, err = sim.OpenStoreWith(storeDir, sim.StoreOptions{Log: log, MustExist: used, AcceptDataLoss: f.AcceptDataLoss})
	switch {
	case errors.Is(err, sim.ErrStoreLocked):
		return nil, nil, fmt.Errorf("data dir %s is in use by another headendd (pebble LOCK held): %w", f.DataDir, err)
	case errors.Is(err, sim.ErrStoreMissing):
		return nil, nil, fmt.Errorf("data dir %s was used before but its store %s is missing: every headend of the lab would be gone; "+
			"restore it, or start with an empty --data-dir: %w", f.DataDir, storeDir, err)
	case errors.Is(err, sim.ErrManifestDamaged):
		return nil, nil, fmt.Errorf("data dir %s: %w. Restore the store from a backup, or start with --accept-data-loss to open it without those tables "+
			"(a copy of the MANIFEST is kept beside the store)", f.DataDir, err)
	case errors.Is(err, sim.ErrWALDamaged):
		return nil, nil, fmt.Errorf("data dir %s: %w. If headendd or the machine stopped in the middle of these writes they were never acknowledged; "+
			"otherwise acknowledged changes are lost. Start with --accept-data-loss to open the store without them "+
			"(a copy of the log is kept beside the store)", f.DataDir, err)
	case err != nil:
		return nil, nil, fmt.Errorf("data dir %s: %w", f.DataDir, err)
	}
	if !marked || info.SecretFrom != from || info.SecretCheck != check {
		if err := datadir.WriteMarker(f.DataDir, datadir.Marker{SecretFrom: from, SecretCheck: check}); err != nil {
			_ = store.Close()
			return nil, nil, err
		}
	}
	return secret, store, nil
}
