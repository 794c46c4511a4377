// Command memlimit is the Go program of tests/test_live.c: a real GOMEMLIMIT pathology.
// It keeps a live heap of -live MiB (run it with GOMEMLIMIT a little above that) and
// allocates short-lived garbage as fast as it can on -workers goroutines for -duration,
// so the heap goal is pinned at the limit and the GC runs back to back (golang/go#58106).
//
// stdout: "done" at the end. stderr: only what the runtime prints.
// Standard library only; built by the test with `go build`.
package main

import (
	"flag"
	"fmt"
	"sync"
	"time"
)

var live [][]byte // the live set: reachable until the end

var sinks [64][]byte // the latest garbage of each worker, so the compiler keeps it

func churn(id int, until time.Time, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; time.Now().Before(until); i++ {
		for k := 0; k < 256; k++ {
			sinks[id%64] = make([]byte, 4096+(i+k)%8192)
		}
	}
}

func main() {
	liveMB := flag.Int("live", 48, "MiB kept live")
	workers := flag.Int("workers", 2, "allocating goroutines")
	duration := flag.Duration("duration", 30*time.Second, "how long to allocate")
	flag.Parse()
	for total := 0; total < *liveMB<<20; total += 1 << 16 {
		live = append(live, make([]byte, 1<<16))
	}
	until := time.Now().Add(*duration)
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go churn(w, until, &wg)
	}
	wg.Wait()
	fmt.Println("done", len(live))
}
