using KubePS.Engine.Discovery;
using Xunit;

namespace KubePS.Engine.Tests;

public class ResourceNameResolverTests
{
    private static readonly ApiResourceInfo[] Resources =
    {
        new() { Group = "", Version = "v1", Kind = "Pod", Plural = "pods", Singular = "pod", ShortNames = new[] { "po" }, Namespaced = true, Preferred = true },
        new() { Group = "", Version = "v1", Kind = "Service", Plural = "services", Singular = "service", ShortNames = new[] { "svc" }, Namespaced = true, Preferred = true },
        new() { Group = "", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", ShortNames = new[] { "ev" }, Namespaced = true, Preferred = true },
        new() { Group = "events.k8s.io", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", ShortNames = new[] { "ev" }, Namespaced = true, Preferred = true },
        new() { Group = "apps", Version = "v1", Kind = "Deployment", Plural = "deployments", Singular = "deployment", ShortNames = new[] { "deploy" }, Namespaced = true, Preferred = true },
        new() { Group = "example.com", Version = "v1", Kind = "Widget", Plural = "widgets", Singular = "widget", Namespaced = true, Preferred = true },
        new() { Group = "example.com", Version = "v1beta1", Kind = "Widget", Plural = "widgets", Singular = "widget", Namespaced = true, Preferred = false },
    };

    [Theory]
    [InlineData("po", "pods", "")]
    [InlineData("pods", "pods", "")]
    [InlineData("Pod", "pods", "")]
    [InlineData("svc", "services", "")]
    [InlineData("deploy", "deployments", "apps")]
    [InlineData("deployments.apps", "deployments", "apps")]
    [InlineData("deployments.v1.apps", "deployments", "apps")]
    [InlineData("Widget.example.com", "widgets", "example.com")]
    [InlineData("widgets", "widgets", "example.com")]
    [InlineData("events", "events", "")]
    [InlineData("events.events.k8s.io", "events", "events.k8s.io")]
    public void Resolves_names_as_kubectl_does(string input, string plural, string group)
    {
        var r = ResourceNameResolver.Resolve(Resources, input);
        Assert.NotNull(r);
        Assert.Equal(plural, r!.Plural);
        Assert.Equal(group, r.Group);
    }

    [Fact]
    public void Prefers_the_preferred_version_and_honours_an_explicit_one()
    {
        Assert.Equal("v1", ResourceNameResolver.Resolve(Resources, "widget")!.Version);
        Assert.Equal("v1beta1", ResourceNameResolver.Resolve(Resources, "widget", "example.com/v1beta1")!.Version);
        Assert.Null(ResourceNameResolver.Resolve(Resources, "widget", "apps/v1"));
    }

    [Fact]
    public void Unknown_names_resolve_to_null_and_get_close_suggestions()
    {
        Assert.Null(ResourceNameResolver.Resolve(Resources, "deploymnet"));
        Assert.Contains("deployments.apps", ResourceNameResolver.Suggest(Resources, "deploymnet"));
        Assert.Contains("pods", ResourceNameResolver.Suggest(Resources, "podz"));
    }

    [Fact]
    public void Builds_collection_and_object_paths()
    {
        var deploy = ResourceNameResolver.Resolve(Resources, "deploy")!;
        Assert.Equal("/apis/apps/v1/namespaces/web/deployments", deploy.PathFor("web"));
        Assert.Equal("/apis/apps/v1/deployments", deploy.PathFor(null));
        Assert.Equal("/apis/apps/v1/namespaces/web/deployments/api/scale", deploy.PathFor("web", "api", "scale"));
        Assert.Equal("/api/v1/namespaces/a/pods/p", ResourceNameResolver.Resolve(Resources, "po")!.PathFor("a", "p"));
    }
}
