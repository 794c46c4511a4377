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

var format = flag.String("format", "rfc3339", "log line format: rfc3339, zapdev, golog, slogtext, slogjson, logrus, clock")

func logLine(worker, seq int) {
	t := time.Now().UTC()
	stamp := t.Format("2006-01-02T15:04:05.000Z07:00")
	var line string
	switch *format {
	case "zapdev":
		line = fmt.Sprintf("%s\tINFO\tworker %d\tseq %d handled request\n", stamp, worker, seq)
	case "golog":
		line = fmt.Sprintf("%s worker=%d seq=%d handled request\n", t.Format("2006/01/02 15:04:05"), worker, seq)
	case "slogtext":
		line = fmt.Sprintf("time=%s level=INFO msg=\"handled request\" worker=%d seq=%d\n", stamp, worker, seq)
	case "slogjson":
		line = fmt.Sprintf("{\"time\":\"%s\",\"level\":\"INFO\",\"msg\":\"handled request\",\"worker\":%d,\"seq\":%d}\n", stamp, worker, seq)
	case "logrus":
		line = fmt.Sprintf("time=\"%s\" level=info msg=\"handled request\" worker=%d seq=%d\n", stamp, worker, seq)
	case "clock":
		line = fmt.Sprintf("%s worker=%d seq=%d handled request\n", t.Format("15:04:05.000"), worker, seq)
	default:
		line = fmt.Sprintf("%s INFO worker=%d seq=%d handled request\n", stamp, worker, seq)
	}
	os.Stderr.WriteString(line)
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
