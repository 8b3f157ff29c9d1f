using System.Text.Json;
using KubePS.Engine.Errors;
using KubePS.Engine.JsonPath;
using Xunit;

namespace KubePS.Engine.Tests;

public class JsonPathTests
{
    private static readonly JsonElement Pod = JsonDocument.Parse("""
    {"kind":"Pod","metadata":{"name":"web-1","labels":{"app.kubernetes.io/name":"web"}},
     "spec":{"containers":[{"name":"a","image":"nginx:1"},{"name":"b","image":"redis:7"}]},
     "status":{"phase":"Running","restarts":3,"conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False","reason":"ContainersNotReady"}]}}
    """).RootElement.Clone();

    [Theory]
    [InlineData("{.status.phase}", "Running")]
    [InlineData(".status.phase", "Running")]
    [InlineData("status.phase", "Running")]
    [InlineData("$.status.phase", "Running")]
    [InlineData("{.spec.containers[0].image}", "nginx:1")]
    [InlineData("{.spec.containers[-1].name}", "b")]
    [InlineData("{.spec.containers[*].name}", "a b")]
    [InlineData("{.spec.containers[0:1].name}", "a")]
    [InlineData("{.status.conditions[?(@.type==\"Ready\")].status}", "False")]
    [InlineData("{.status.conditions[?(@.type=='Ready')].reason}", "ContainersNotReady")]
    [InlineData("{.status.conditions[?(@.status!=\"False\")].type}", "PodScheduled")]
    [InlineData("{.status.conditions[?(@.reason)].type}", "Ready")]
    [InlineData("{.metadata.labels['app.kubernetes.io/name']}", "web")]
    [InlineData("{.metadata.labels.app\\.kubernetes\\.io/name}", "web")]
    [InlineData("{..image}", "nginx:1 redis:7")]
    [InlineData("{.status.restarts}", "3")]
    [InlineData("{.missing.field}", "")]
    public void Evaluates_like_kubectl(string expression, string expected)
    {
        Assert.Equal(expected, JsonPathExpression.Parse(expression).EvaluateToString(Pod));
    }

    [Fact]
    public void Filters_compare_numbers()
    {
        var doc = JsonDocument.Parse("""{"items":[{"n":1,"v":"a"},{"n":5,"v":"b"},{"n":10,"v":"c"}]}""").RootElement;
        Assert.Equal("b c", JsonPathExpression.Parse("{.items[?(@.n>=5)].v}").EvaluateToString(doc));
        Assert.Equal("a", JsonPathExpression.Parse("{.items[?(@.n<5)].v}").EvaluateToString(doc));
    }

    [Fact]
    public void Objects_print_as_json()
    {
        Assert.Equal("{\"name\":\"a\",\"image\":\"nginx:1\"}", JsonPathExpression.Parse("{.spec.containers[0]}").EvaluateToString(Pod));
    }

    [Theory]
    [InlineData("{.status.phase")]
    [InlineData("{.spec.containers[0}")]
    [InlineData("{.status.conditions[?(@.type==Ready)].status}")]
    [InlineData("{.status.conditions[?(@.type=~\"x\")]}")]
    [InlineData("{}")]
    [InlineData("{.a.}")]
    [InlineData("{.a['b}")]
    [InlineData("{.a[x]}")]
    public void Rejects_bad_expressions_with_KubeJsonPathInvalid(string expression)
    {
        var ex = Assert.Throws<KubeException>(() => JsonPathExpression.Parse(expression));
        Assert.Equal(KubeErrorKind.KubeJsonPathInvalid, ex.Kind);
        Assert.Contains(expression, ex.Message);
        Assert.False(JsonPathExpression.TryParse(expression, out _, out var error));
        Assert.NotNull(error);
    }
}
