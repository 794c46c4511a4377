// Command alloc is the Go program of tests/test_child.c: real gctrace and scavtrace lines
// from the real runtime, with the program's own stderr lines written concurrently so the
// two interleave (the runtime writes a trace line in many small writes; each of our lines
// is one write, so removing our lines leaves the runtime's text exactly).
//
// stdout: "round I done" after each round (I = 1..rounds), nothing else unless
// -print-godebug (then "GODEBUG=<value>" first), -cat-stdin (then "stdin: <line>" for each
// line of stdin, before the rounds) or -sleep (then "sleeping" before the sleep).
// stderr: "APP stderr line N" (N = 1..rounds*lines), one write each, then whatever the
// runtime prints; "APP sleeping" before a -sleep.
// Exit: -exit N, or death by -kill-self SIG (TERM, INT, HUP, KILL).
//
// Standard library only; built by the test with `go build`.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

var sink [][]byte // keeps a round's garbage reachable until the round ends

// allocate makes about mb MiB of short-lived slices, of sizes that vary with i.
func allocate(mb int, i int) {
	sink = sink[:0]
	for total := 0; total < mb<<20; {
		n := 1024 * (1 + (i+total)%64)
		sink = append(sink, make([]byte, n))
		total += n
		if len(sink) > 256 {
			sink = sink[:0] // drop them: garbage for the next cycle
		}
	}
}

// chatter writes lines first..first+n-1 to stderr, one write per line, while the round runs.
func chatter(first, n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for k := 0; k < n; k++ {
		fmt.Fprintf(os.Stderr, "APP stderr line %d\n", first+k)
		time.Sleep(200 * time.Microsecond)
	}
}

func signalByName(name string) syscall.Signal {
	switch name {
	case "TERM":
		return syscall.SIGTERM
	case "INT":
		return syscall.SIGINT
	case "HUP":
		return syscall.SIGHUP
	case "KILL":
		return syscall.SIGKILL
	}
	fmt.Fprintf(os.Stderr, "alloc: unknown signal %q\n", name)
	os.Exit(2)
	return 0
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of allocation")
	mb := flag.Int("mb", 16, "MiB allocated per round")
	forced := flag.Int("gc", 2, "runtime.GC() calls per round")
	lines := flag.Int("lines", 20, "APP stderr lines per round")
	sleep := flag.Duration("sleep", 0, "sleep this long after the rounds")
	exit := flag.Int("exit", 0, "exit status")
	killSelf := flag.String("kill-self", "", "die of this signal at the end (TERM, INT, HUP, KILL)")
	printGodebug := flag.Bool("print-godebug", false, "print GODEBUG=<value> on stdout first")
	catStdin := flag.Bool("cat-stdin", false, "print each line of stdin as \"stdin: <line>\" first")
	flag.Parse()

	if *printGodebug {
		fmt.Printf("GODEBUG=%s\n", os.Getenv("GODEBUG"))
	}
	if *catStdin {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			fmt.Printf("stdin: %s\n", in.Text())
		}
	}
	for r := 1; r <= *rounds; r++ {
		var wg sync.WaitGroup
		wg.Add(1)
		go chatter((r-1)*(*lines)+1, *lines, &wg)
		allocate(*mb, r)
		for g := 0; g < *forced; g++ {
			runtime.GC()
		}
		wg.Wait()
		fmt.Printf("round %d done\n", r)
	}
	sink = nil
	if *sleep > 0 {
		fmt.Println("sleeping")
		fmt.Fprintln(os.Stderr, "APP sleeping")
		time.Sleep(*sleep)
	}
	if *killSelf != "" {
		syscall.Kill(os.Getpid(), signalByName(*killSelf))
		time.Sleep(10 * time.Second) // the signal ends us before this does
	}
	os.Exit(*exit)
}
