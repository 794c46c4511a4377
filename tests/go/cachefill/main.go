// Command cachefill grows its live heap steadily (a cache filling up), then stops growing
// and keeps working on a flat live heap: a leak suspect while it grows, not after. The
// captured trace is tests/cases/cachefill/ (see its README).
//
// stdout: "grew until @Ns" (seconds since start, as the trace's @t counts them), then at
// the end "numgc=N", and "total_alloc_mb=M elapsed_s=S": what the runtime counted as
// allocated (MemStats.TotalAlloc, MiB) over the seconds since start. Standard library only.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"time"
)

var cache = map[int][]byte{}
var garbage []byte

func main() {
	grow := flag.Duration("grow", 30*time.Second, "how long the cache grows")
	flat := flag.Duration("flat", 40*time.Second, "how long it then stays as it is")
	rate := flag.Int("kb-per-tick", 64, "KiB added to the cache every millisecond while growing")
	flag.Parse()
	start := time.Now()
	for k := 0; time.Since(start) < *grow; k++ {
		cache[k] = make([]byte, *rate<<10)
		for i := 0; i < 64; i++ {
			garbage = make([]byte, 16<<10)
		}
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("grew until @%.1fs\n", time.Since(start).Seconds())
	for end := time.Now().Add(*flat); time.Now().Before(end); {
		for i := 0; i < 64; i++ {
			garbage = make([]byte, 16<<10)
		}
		time.Sleep(time.Millisecond)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("numgc=%d\n", ms.NumGC)
	fmt.Printf("total_alloc_mb=%.1f elapsed_s=%.3f\n", float64(ms.TotalAlloc)/(1<<20), time.Since(start).Seconds())
}
