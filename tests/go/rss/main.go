// Command rss is the Go program of tests/test_rss.c: it grows its heap to -mb MiB (every
// page written, so it is resident), holds it, drops it and has it collected, then either
// returns it to the OS at once (-free: debug.FreeOSMemory) or idles (-idle) while the
// runtime's background scavenger returns it at its own pace.
//
// stdout: one line per phase, with what /proc/self/status said at that moment (read by
// this program, independently of gctrace-watch):
//   "peak VmRSS_kB=N"    the heap is at its largest and live
//   "dropped VmRSS_kB=N" the live heap fell (two runtime.GC() cycles), after -free's call
//   "end VmRSS_kB=N"     after the idle time
//
// Standard library only; built by the test with `go build`.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

var hold [][]byte // the heap, reachable until the drop

// vmRSS is the VmRSS line of /proc/self/status, in kB (-1 if it cannot be read).
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	in := bufio.NewScanner(f)
	for in.Scan() {
		var kb int64
		if strings.HasPrefix(in.Text(), "VmRSS:") {
			fmt.Sscanf(strings.TrimPrefix(in.Text(), "VmRSS:"), "%d", &kb)
			return kb
		}
	}
	return -1
}

func phase(name string) {
	fmt.Printf("%s VmRSS_kB=%d\n", name, vmRSS())
}

func main() {
	mb := flag.Int("mb", 256, "MiB to grow the heap to")
	holdFor := flag.Duration("hold", 700*time.Millisecond, "how long the heap stays live")
	free := flag.Bool("free", false, "debug.FreeOSMemory() after the drop")
	idle := flag.Duration("idle", 2*time.Second, "idle after the drop")
	wait := flag.Duration("wait", 0, "wait this long before growing (a watcher starts meanwhile)")
	flag.Parse()

	runtime.GC() // a first cycle, and its line, while the heap is small
	time.Sleep(*wait)

	for i := 0; i < *mb; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1 // make the page resident
		}
		hold = append(hold, b)
		if i%32 == 31 {
			time.Sleep(20 * time.Millisecond) // let samples see the growth
		}
	}
	runtime.GC() // a cycle that finds the whole heap live
	phase("peak")
	time.Sleep(*holdFor)
	hold = nil
	runtime.GC() // finds it dead
	runtime.GC() // the goal follows the live heap down
	if *free {
		debug.FreeOSMemory()
	}
	phase("dropped")
	time.Sleep(*idle)
	phase("end")
}
