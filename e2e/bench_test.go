package e2e

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// BenchmarkResync measures a full resync of a generated organization on the
// real dev server: the first one (everything written) and a second one with
// nothing changed (everything compared, nothing written). Run with `make bench`.
func BenchmarkResync(b *testing.B) {
	for _, size := range []struct {
		name              string
		accounts, perKind int
	}{{"accounts=10", 10, 4}, {"accounts=30", 30, 4}} {
		b.Run(size.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchOnce(b, size.accounts, size.perKind)
			}
		})
	}
}

func benchOnce(b *testing.B, accounts, perKind int) {
	b.StopTimer()
	s := newStack(b, awsemu.Spec{
		Seed: 7, Accounts: accounts, OUs: 3, RoleName: roleName, ResourcesPerKind: perKind,
		Regions: []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"},
	})
	s.tuning.PageSize = 100 // the worker's production default; tests use tiny pages
	s.startWorker()
	peak := watchHeap()
	b.StartTimer()

	start := time.Now()
	first, _ := s.resync()
	firstTook := time.Since(start)
	start = time.Now()
	second, _ := s.resync()
	secondTook := time.Since(start)

	b.StopTimer()
	heap := peak()
	entities := float64(first.Counts.Upserted)
	if second.Counts.Upserted != 0 || int(entities) == 0 {
		b.Fatalf("first resync upserted %v, second %d: the benchmark measures the wrong thing", entities, second.Counts.Upserted)
	}
	b.ReportMetric(entities, "entities")
	b.ReportMetric(firstTook.Seconds(), "first-s")
	b.ReportMetric(entities/firstTook.Seconds(), "first-entities/s")
	b.ReportMetric(secondTook.Seconds(), "unchanged-s")
	b.ReportMetric(float64(second.Counts.Unchanged)/secondTook.Seconds(), "unchanged-entities/s")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(len(s.aws.Requests())), "aws-requests")
}

// watchHeap samples the process heap (worker, emulators and test together, so
// an upper bound for the worker) until the returned function reports the peak.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); wg.Wait(); return peak.Load() }
}
