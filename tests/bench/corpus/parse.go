package corpus

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"sync"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// ParseOnly reads every file and YAML-decodes every document on all cores,
// with the same splitter and decoder kubectl uses: the floor any scanner of
// these files pays. It returns the number of objects decoded.
func ParseOnly(files []string) (int, error) {
	var (
		mu    sync.Mutex
		count int
		first error
		wg    sync.WaitGroup
		next  = make(chan string)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for f := range next {
				data, err := os.ReadFile(f)
				if err == nil {
					n, err = decodeAll(data, n)
				}
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
			mu.Lock()
			count += n
			mu.Unlock()
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	return count, first
}

func decodeAll(data []byte, n int) (int, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		var v map[string]any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			return n, err
		}
		if v != nil {
			n++
		}
	}
}
