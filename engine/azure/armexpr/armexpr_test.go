package armexpr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEval(t *testing.T) {
	c := &Context{
		Parameters: map[string]any{"prefix": "shop", "zones": []any{"1", "2", "3"}, "enableDiagnostics": false, "sku": "Premium", "location": Unresolved{Expr: "[resourceGroup().location]"}},
		Variables: map[string]any{
			"name":  "[concat(parameters('prefix'), '-aks')]",
			"pools": []any{map[string]any{"name": "system", "availabilityZones": "[parameters('zones')]"}},
			"tags":  map[string]any{"env": "prod"},
			"loop":  "[variables('loop')]",
		},
	}
	tests := []struct {
		expr string
		want any
	}{
		{"plain", "plain"},
		{"[[literal]", "[literal]"},
		{"[substring('aks-prod', 4)]", "prod"},
		{"[string(true)]", "True"},
		{"[format('{0}', false)]", "False"},
		{"[union(createObject('azurepolicy', 1), createObject('azurePolicy', 2))]", map[string]any{"azurePolicy": float64(2)}},
		{"[substring('aks-prod', 0, 3)]", "aks"},
		{"[take(skip(createArray(1, 2, 3, 4), 1), 2)]", []any{float64(2), float64(3)}},
		{"[take('westeurope', 4)]", "west"},
		{"[indexOf('AKS-prod', 'prod')]", float64(4)},
		{"[lastIndexOf('a-b-c', '-')]", float64(3)},
		{"[min(3, 1, 2)]", float64(1)},
		{"[max(createArray(1, 5))]", float64(5)},
		{"[variables('name')]", "shop-aks"},
		{"[format('{0}/{1}', parameters('prefix'), 'westeurope')]", "shop/westeurope"},
		{"[parameters('enableDiagnostics')]", false},
		{"[not(parameters('enableDiagnostics'))]", true},
		{"[equals(parameters('sku'), 'premium')]", true},
		{"[if(equals(parameters('sku'), 'Premium'), 'geo', 'single')]", "geo"},
		{"[length(variables('pools')[0].availabilityZones)]", 3.0},
		{"[union(variables('tags'), createObject('team', 'web'))]", map[string]any{"env": "prod", "team": "web"}},
		{"[createArray(1, 'a', true())]", []any{1.0, "a", true}},
		{"[concat(createArray('a'), createArray('b'))]", []any{"a", "b"}},
		{"[toLower('AzureLinux')]", "azurelinux"},
		{"[coalesce(null(), 'x')]", "x"},
		{"[json('{\"a\": [1]}').a[0]]", 1.0},
		{"[if(parameters('enableDiagnostics'), parameters('location'), 'fixed')]", "fixed"},
		{"[split('a/b', '/')[1]]", "b"},
		{"['it''s']", "it's"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, c.Eval(tt.expr), tt.expr)
	}
	for _, expr := range []string{
		"[resourceGroup().location]",
		"[parameters('location')]",
		"[concat(parameters('location'), '-x')]",
		"[uniqueString(resourceGroup().id)]",
		"[variables('loop')]",
		"[parameters('undeclared')]",
		"[concat('unclosed']",
		"[" + strings.Repeat("concat(", 200) + "'x'" + strings.Repeat(")", 200) + "]",
	} {
		assert.Equal(t, Unresolved{Expr: expr}, c.Eval(expr), expr)
	}
	assert.Equal(t, "same", c.Eval("[if(equals(parameters('location'), 'x'), 'same', 'same')]"), "both branches equal: the condition does not matter")
	assert.Equal(t, map[string]any{"a": []any{"shop", Unresolved{Expr: "[parameters('location')]"}}},
		c.Eval(map[string]any{"a": []any{"[parameters('prefix')]", "[parameters('location')]"}}), "maps and arrays are evaluated member by member")
}

func TestUnknownLeavesStayLeaves(t *testing.T) {
	c := &Context{Parameters: map[string]any{"admins": Unresolved{Expr: "[parameters('admins')]"}}}
	got := c.Eval("[createObject('managed', true(), 'adminGroupObjectIDs', createArray(parameters('admins')))]")
	assert.Equal(t, map[string]any{"managed": true, "adminGroupObjectIDs": []any{Unresolved{Expr: "[parameters('admins')]"}}}, got,
		"one unknown member leaves the rest of the object judgeable")
	assert.Equal(t, Unresolved{Expr: "[createObject(parameters('admins'), 1)]"}, c.Eval("[createObject(parameters('admins'), 1)]"), "an unknown key hides the object")
}

func TestUnresolvedLeavesNameTheirExpression(t *testing.T) {
	c := &Context{}
	assert.Equal(t, []any{"a", Unresolved{Expr: "[resourceGroup().location]"}}, c.Eval("[createArray('a', resourceGroup().location)]"))
}

func TestEqualFoldsCaseForARMOnly(t *testing.T) {
	a := map[string]any{"Key": "ABC", "n": float64(1)}
	b := map[string]any{"key": "abc", "n": json.Number("1")}
	assert.True(t, Equal(a, b, false), "ARM's equals() ignores case in strings and keys")
	assert.False(t, Equal(a, b, true), "Bicep's == does not")
	assert.True(t, Equal(a, map[string]any{"Key": "ABC", "n": float64(1)}, true))
}
