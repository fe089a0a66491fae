package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// progressBar redraws one line on a terminal, and prints a line per change
// otherwise (CI logs, pipes).
type progressBar struct {
	w    io.Writer
	tty  bool
	last string
}

func newProgressBar(w *os.File) *progressBar {
	st, err := w.Stat()
	return &progressBar{w: w, tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (b *progressBar) update(p syncdef.Progress) {
	const width = 30
	filled := 0
	if p.AccountsTotal > 0 {
		filled = width * p.AccountsDone / p.AccountsTotal
	}
	line := fmt.Sprintf("[%s%s] %d/%d accounts  %s  upserted %d  unchanged %d  failed %d  deleted %d",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.AccountsDone, p.AccountsTotal, p.Phase,
		p.Counts.Upserted, p.Counts.Unchanged, p.Counts.Failed, p.Counts.Deleted)
	if p.EntitiesPerSecond > 0 {
		line += fmt.Sprintf("  %.0f entities/s", p.EntitiesPerSecond)
	}
	if p.Phase == "syncing" && p.AccountsDone > 0 && p.AccountsDone < p.AccountsTotal {
		line += fmt.Sprintf("  ~%s left", p.EstimatedTimeLeft)
	}
	if line == b.last {
		return
	}
	b.last = line
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", line)
		return
	}
	fmt.Fprintln(b.w, line)
}

// interrupt ends the redrawn line so that a message can be printed.
func (b *progressBar) interrupt() {
	if b.tty && b.last != "" {
		fmt.Fprintln(b.w)
		b.last = ""
	}
}

func (b *progressBar) done() {
	if b.tty && b.last != "" {
		fmt.Fprintln(b.w)
	}
}

// printReport is the final summary: accounts with their outcome and reason,
// rejected writes, entity counts, departed accounts, deletions, and (when Port
// could be read) entities per blueprint, stubs apart.
func printReport(w io.Writer, id string, p syncdef.Progress, perBlueprint map[string]int) {
	took := ""
	if !p.FinishedAt.IsZero() {
		took = " in " + p.FinishedAt.Sub(p.StartedAt).Round(100*time.Millisecond).String()
	}
	header := fmt.Sprintf("\nResync %s: %s%s", id, p.Phase, took)
	if p.Mode != "" {
		header += fmt.Sprintf(" (%s mode, %d accounts)", p.Mode, p.AccountsTotal)
	}
	if st := p.ResyncStatus(); p.Phase == "done" {
		header += ": " + st
	}
	fmt.Fprintln(w, header)
	if p.Error != "" {
		fmt.Fprintln(w, "  error:", p.Error)
	}
	for _, warn := range p.Warnings {
		fmt.Fprintln(w, "  warning:", warn)
	}
	for _, a := range p.Accounts {
		line := fmt.Sprintf("  %-8s %s %-28s %4d upserted %4d unchanged", a.Status, a.AccountID, a.Name, a.Counts.Upserted, a.Counts.Unchanged)
		if a.Counts.Failed > 0 {
			line += fmt.Sprintf(" %4d failed", a.Counts.Failed)
		}
		if a.Reason != "" {
			line += "  — " + a.Reason
		}
		fmt.Fprintln(w, line)
		for _, f := range a.WriteFailures {
			fmt.Fprintln(w, "           rejected by Port:", f)
		}
		if more := a.Counts.Failed - len(a.WriteFailures); more > 0 && len(a.WriteFailures) > 0 {
			fmt.Fprintf(w, "           … and %d more rejected\n", more)
		}
		if n := a.Counts.OmittedActions; n > 0 {
			fmt.Fprintf(w, "           %d optional fields left out (includeActions denied or not configured; items kept without them)\n", n)
		}
		for _, o := range a.OmittedActions {
			fmt.Fprintln(w, "           left out:", o)
		}
	}
	c := p.Counts
	fmt.Fprintf(w, "Entities: %d upserted, %d unchanged, %d failed, %d filtered out; %d stale of %d owned, %d deleted\n",
		c.Upserted, c.Unchanged, c.Failed, c.Filtered, c.Stale, p.Owned, c.Deleted)
	excluded := map[string]string{}
	for _, e := range p.Excluded {
		excluded[e.ID] = e.Reason
	}
	for _, d := range p.Departed {
		if reason, ok := excluded[d.AccountID]; ok && d.Kind == "" {
			fmt.Fprintf(w, "Excluded: account %s by %s (%d entities swept)\n", d.AccountID, reason, d.Entities)
			continue
		}
		if d.Kind != "" {
			fmt.Fprintf(w, "Removed from the mapping: %s in account %s (%d entities)\n", d.Kind, d.AccountID, d.Entities)
			continue
		}
		fmt.Fprintf(w, "Departed: account %s left the organization or is no longer synced (%d entities)\n", d.AccountID, d.Entities)
	}
	if len(p.Excluded) > 0 {
		parts := make([]string, 0, len(p.Excluded))
		for _, e := range p.Excluded {
			parts = append(parts, e.ID+" ("+e.Reason+")")
		}
		fmt.Fprintf(w, "Excluded by configuration: %d accounts: %s\n", len(p.Excluded), strings.Join(parts, ", "))
	}
	if p.DeletionNote != "" {
		fmt.Fprintln(w, "Deletion:", p.DeletionNote)
	}
	if len(perBlueprint) > 0 {
		fmt.Fprint(w, "In Port:")
		for _, bp := range slices.Sorted(maps.Keys(perBlueprint)) {
			fmt.Fprintf(w, " %s=%d", bp, perBlueprint[bp])
		}
		fmt.Fprintln(w)
		if len(p.Stubs) > 0 {
			fmt.Fprint(w, "  of which relation stubs (created by Port for createMissingRelatedEntities, not resources):")
			for _, bc := range p.Stubs {
				fmt.Fprintf(w, " %s=%d", bc.Blueprint, bc.Count)
			}
			fmt.Fprintln(w)
		}
	}
}

// ownedByBlueprint counts the integration's entities in Port per blueprint; it
// returns nil when Port cannot be read (the report then goes without).
func ownedByBlueprint(ctx context.Context, cfg *config.Config) map[string]int {
	if cfg.Port.ClientID == "" || cfg.Port.ClientSecret == "" {
		return nil
	}
	pc, err := port.New(port.Config{BaseURL: cfg.Port.BaseURL, ClientID: cfg.Port.ClientID, ClientSecret: cfg.Port.ClientSecret})
	if err != nil {
		return nil
	}
	refs, err := pc.ListDatasourceEntities(ctx, catalog.IntegrationDatasourcePrefix(cfg.IntegrationIdentifier), catalog.DatasourceSuffix, time.Time{})
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, r := range refs {
		out[r.Blueprint]++
	}
	return out
}
