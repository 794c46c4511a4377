// Command tslog is a Go service in miniature whose own log lines begin with an RFC 3339
// time, as zap, slog and logrus write them, from several goroutines at once while the
// runtime writes its GC trace to the same stderr. Captured by `make` into
// tests/cases/tslog/ (see its README) for the envelope and splice tests.
//
// stderr: "<RFC 3339 UTC time with ms> INFO worker=W seq=S handled request\n", one
// write per line (so removing every such line leaves the runtime's text exactly), and the
// runtime's trace. stdout: "numgc=N" at the end: the number of GC cycles the runtime ran.
//
// Standard library only.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

var keep [][]byte // a little live heap, so the cycles are not all alike

func work(worker, seq int) {
	garbage := make([][]byte, 0, 64)
	for i := 0; i < 64; i++ {
		garbage = append(garbage, make([]byte, 4096*(1+(worker+seq+i)%16)))
	}
	if seq%50 == 0 {
		keep = append(keep[:0:0], garbage[0])
	}
}

func logLine(worker, seq int) {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
	os.Stderr.WriteString(fmt.Sprintf("%s INFO worker=%d seq=%d handled request\n", now, worker, seq))
}

func main() {
	workers := flag.Int("workers", 4, "goroutines that log")
	requests := flag.Int("requests", 3000, "requests per worker")
	flag.Parse()
	var wg sync.WaitGroup
	var mu sync.Mutex // keep is shared
	for w := 1; w <= *workers; w++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			for s := 1; s <= *requests; s++ {
				mu.Lock()
				work(worker, s)
				mu.Unlock()
				logLine(worker, s)
			}
		}(w)
	}
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("numgc=%d\n", ms.NumGC)
}
