// Command longmark makes a short run of few, very long GC cycles in which mark assists do
// much of the work: it builds a large pointer-dense live heap (slow to mark), then
// goroutines allocate garbage as fast as they can, so the pacer makes them assist. The
// captured trace is tests/cases/longmark/ (see its README).
//
// stdout: "numgc=N" at the end. Standard library only.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sync"
	"time"
)

type node struct {
	next  *node
	other *node
	pad   [2]int64
}

var graph []*node // the live heap: chains of nodes, every one a pointer to follow

func build(chains, length int) {
	graph = make([]*node, chains)
	for c := range graph {
		var head *node
		for i := 0; i < length; i++ {
			n := &node{next: head}
			if head != nil {
				n.other = head.next
			}
			head = n
		}
		graph[c] = head
	}
}

var sinkMu sync.Mutex
var sink []*node

func churn(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-stop:
			return
		default:
		}
		local := make([]*node, 0, 4096)
		for i := 0; i < 4096; i++ {
			local = append(local, &node{})
		}
		sinkMu.Lock()
		sink = local // garbage as soon as the next batch replaces it
		sinkMu.Unlock()
	}
}

func main() {
	chains := flag.Int("chains", 64, "chains in the live graph")
	length := flag.Int("length", 400000, "nodes per chain")
	workers := flag.Int("workers", 4, "allocating goroutines")
	seconds := flag.Int("seconds", 30, "how long to allocate")
	flag.Parse()
	build(*chains, *length)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go churn(stop, &wg)
	}
	time.Sleep(time.Duration(*seconds) * time.Second)
	close(stop)
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("numgc=%d\n", ms.NumGC)
}
