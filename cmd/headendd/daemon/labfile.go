package daemon

import (
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/asalab/asalab/cmd/headendd/server"
	headendv1 "github.com/asalab/asalab/proto/headend/v1"
	"github.com/asalab/asalab/sim/labfile"
)

// applyLabFile applies --lab-file to the daemon's labs as the admin would
// with ApplyLab: its lab made if missing, every change logged. An error
// names the file, the line and the field, and stops the start.
func applyLabFile(path string, set server.LabSet, log *zap.Logger) error {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("--lab-file: %w", err)
	}
	if st.Size() > labfile.MaxSize {
		return fmt.Errorf("--lab-file %s: %d bytes; a lab file has at most %d", path, st.Size(), labfile.MaxSize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--lab-file: %w", err)
	}
	resp, err := server.ApplyLabFile(set, &headendv1.ApplyLabRequest{FileName: path, Content: string(b)}, server.Caller{Admin: true})
	if err != nil {
		return err
	}
	for _, c := range resp.GetChanges() {
		log.Info("lab file", zap.String("file", path), zap.String("lab", resp.GetLab().GetName()), zap.String("change", c))
	}
	for _, n := range resp.GetNotes() {
		log.Info("lab file", zap.String("file", path), zap.String("lab", resp.GetLab().GetName()), zap.String("note", n))
	}
	log.Info("lab file applied", zap.String("file", path), zap.String("lab", resp.GetLab().GetName()),
		zap.Int("changes", len(resp.GetChanges())), zap.Bool("created", resp.GetCreated()))
	return nil
}
