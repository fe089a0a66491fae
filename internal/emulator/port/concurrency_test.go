package portemu_test

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentClients runs writers and readers at once; with -race it
// checks the emulator's locking, and the final catalog is exact.
func TestConcurrentClients(t *testing.T) {
	h := started(t)
	const writers, batches = 4, 5
	var wg sync.WaitGroup
	errs := make(chan string, writers*batches*2)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				ents := make([]any, 20)
				for i := range ents {
					ents[i] = bucket(fmt.Sprintf("w%d-b%d-%02d", w, b, i), "us-east-1")
				}
				if r, err := h.request("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", map[string]any{"entities": ents}); err != nil || r.status != 200 {
					errs <- fmt.Sprintf("bulk %d %v", r.status, err)
				}
				if r, err := h.request("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_prefix": "aws-port-sync/", "limit": 50}); err != nil || r.status != 200 {
					errs <- fmt.Sprintf("listing %d %v", r.status, err)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := len(h.s.Entities()); n != writers*batches*20 {
		t.Fatalf("%d entities, want %d", n, writers*batches*20)
	}
}
