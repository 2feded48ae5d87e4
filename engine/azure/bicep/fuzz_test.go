package bicep

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary text to the Bicep reader as a file and its
// module: it must never panic or run away (loops, modules that call
// themselves, deep nesting and values that share parts are bounded), and
// every resource it gives must be an object with a place.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../../../library/testdata/azure/*.bicep")
	more, _ := filepath.Glob("../../../tests/bicep/testdata/*/*.bicep")
	for _, s := range append(seeds, more...) {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"module m './module.bicep' = [for i in range(0, 3): {\n  name: 'm${i}'\n}]\n",
		"var a = [for i in range(0, 10000): [for j in range(0, 10000): j]]\nresource r 'T@1' = {\n  name: 'r'\n  properties: { a: a }\n}\n",
		"var a0 = ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']\nvar a1 = [a0, a0, a0, a0, a0, a0, a0, a0]\nvar a2 = [a1, a1, a1, a1, a1, a1, a1, a1]\nvar a3 = [a2, a2, a2, a2, a2, a2, a2, a2]\nvar a4 = [a3, a3, a3, a3, a3, a3, a3, a3]\nvar a5 = [a4, a4, a4, a4, a4, a4, a4, a4]\nvar a6 = [a5, a5, a5, a5, a5, a5, a5, a5]\nvar a7 = [a6, a6, a6, a6, a6, a6, a6, a6]\nresource r 'T@1' = {\n  name: 'r'\n  properties: { a: a7 }\n}\n",
		"resource r 'T@1' = {\n  name: 'r'\n  resource c 'c' = {\n    name: '${r.name}-${c.name}'\n  }\n}\n",
		"param p string = '${p}'\nresource r 'T@1' = {\n  name: p\n}\n",
		"func f(x int) int => f(x)\nvar a = reduce(range(0, 30), ['x'], (acc, i) => concat(acc, acc))\nvar b = map(range(0, 10000), i => range(0, 10000))\nresource r 'T@1' = {\n  name: 'r'\n  properties: { a: a, b: b, c: f(1), d: sort([3, 1], (x, y) => x), e: x => x }\n}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"main.bicep":   &fstest.MapFile{Data: data},
			"module.bicep": &fstest.MapFile{Data: data},
		}
		cfg, err := LoadFS(fsys, "main.bicep", Options{MaxModuleDepth: 4})
		if err != nil {
			return
		}
		for i, r := range cfg.Template["resources"].([]any) {
			if _, ok := r.(map[string]any); !ok {
				t.Fatalf("resource %d is %T", i, r)
			}
			if _, ok := cfg.Place([]any{"resources", i}); !ok {
				t.Fatalf("resource %d has no place", i)
			}
		}
	})
}
