using System.Text.Json;
using KubePS.Engine.Apply;
using Xunit;

namespace KubePS.Engine.Tests;

public class ApplyNoOpTests
{
    private static JsonElement Body(string manager, string time, string operation = "Apply") =>
        JsonDocument.Parse($$$"""{"metadata":{"name":"x","managedFields":[{"manager":"other","operation":"Update","time":"2020-01-01T00:00:00Z"},{"manager":"{{{manager}}}","operation":"{{{operation}}}","time":"{{{time}}}"}]}}""").RootElement.Clone();

    [Fact]
    public void OldEntryOfTheManagerMeansNothingChanged()
    {
        var date = DateTimeOffset.Parse("2026-01-01T10:00:10Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ApplyEngine.IsNoOp(Body("kubeps", "2026-01-01T10:00:00Z"), "kubeps", date));
    }

    [Theory]
    [InlineData("kubeps", "2026-01-01T10:00:09Z", "Apply")] // stamped within the last second or two: unsure, so not a no-op
    [InlineData("kubeps", "2026-01-01T10:00:10Z", "Apply")]
    [InlineData("someone", "2026-01-01T10:00:00Z", "Apply")] // no entry of this manager: the apply adds one
    [InlineData("kubeps", "2026-01-01T10:00:00Z", "Update")] // an Update entry is not the Apply entry
    public void AnythingElseIsNotANoOp(string manager, string time, string operation)
    {
        var date = DateTimeOffset.Parse("2026-01-01T10:00:10Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(ApplyEngine.IsNoOp(Body(manager, time, operation), "kubeps", date));
    }

    [Fact]
    public void NoServerDateMeansUnsure()
    {
        Assert.False(ApplyEngine.IsNoOp(Body("kubeps", "2020-01-01T00:00:00Z"), "kubeps", null));
    }
}
