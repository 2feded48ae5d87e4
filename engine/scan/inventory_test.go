package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/input"
)

func TestInventoryPassKeepsOnlyWhatTheJudgingControlsRead(t *testing.T) {
	lib, _ := setup(t)
	parse := func(yaml string) []*input.Object {
		f := input.ParseBytes("in.yaml", []byte(yaml))
		require.Empty(t, f.Errors)
		return f.Objects
	}
	files := [][]*input.Object{
		parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {template: {metadata: {labels: {app: web}}}}\n"),
		parse("apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"),
		parse("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n"),
	}
	read := func(t *testing.T, pass *inventoryPass, order ...int) (kept []string, again []int) {
		t.Helper()
		for _, i := range order {
			pass.add(i, files[i], true)
		}
		objs, err := pass.inventory(context.Background(), 2, func(i int) []*input.Object {
			again = append(again, i)
			return files[i]
		})
		require.NoError(t, err)
		for _, o := range objs {
			kept = append(kept, o.Kind())
		}
		return kept, again
	}

	t.Run("workloads without a Service are not kept", func(t *testing.T) {
		kept, again := read(t, newInventoryPass(bindings(lib, "SS-GOV-003", "SS-GOV-004"), 3), 0, 1)
		assert.Equal(t, []string{"Secret"}, kept, "a Deployment's references read Secrets; nothing judged reads Deployments")
		assert.Empty(t, again)
	})
	t.Run("a Service read last brings back the workloads that went by", func(t *testing.T) {
		kept, again := read(t, newInventoryPass(bindings(lib, "SS-GOV-003", "SS-GOV-004"), 3), 0, 1, 2)
		assert.Equal(t, []string{"Deployment", "Secret", "Service"}, kept, "in file order")
		assert.Equal(t, []int{0}, again, "only the file that held the Deployment is read again")
	})
	t.Run("a Service read first keeps the workloads as they come", func(t *testing.T) {
		kept, again := read(t, newInventoryPass(bindings(lib, "SS-GOV-003", "SS-GOV-004"), 3), 2, 1, 0)
		assert.Equal(t, []string{"Deployment", "Secret", "Service"}, kept)
		assert.Equal(t, []int{1}, again, "the Secret went by before a workload needed it")
	})
	t.Run("context files count for the inventory, not for what is judged", func(t *testing.T) {
		pass := newInventoryPass(bindings(lib, "SS-GOV-003", "SS-GOV-004"), 3)
		pass.add(2, files[2], false)
		kept, _ := read(t, pass, 0)
		assert.Empty(t, kept, "a context Service is not judged, so nothing reads the Deployment")
	})
}

func TestServiceAfterItsWorkloadsIsJudgedAgainstThem(t *testing.T) {
	lib, _ := setup(t)
	dir := t.TempDir()
	// Files are read in name order on many workers: the Deployment goes by
	// before the scan knows it holds a Service.
	write := func(name, yaml string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(yaml), 0o644))
	}
	write("a-deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: a, image: x}]}\n")
	write("b-pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop, labels: {app: api}}\nspec: {containers: [{name: a, image: x}]}\n")
	write("z-svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: gone, namespace: shop}\nspec: {selector: {app: gone}}\n")
	for _, workers := range []int{1, 4} {
		r, err := Run(context.Background(), lib, bindings(lib, "SS-GOV-003"), Options{Paths: []string{dir}, Workers: workers})
		require.NoError(t, err)
		var flagged []string
		for _, res := range r.All() {
			flagged = append(flagged, res.Name)
		}
		assert.Equal(t, []string{"gone"}, flagged, "workers=%d", workers)
	}
}
