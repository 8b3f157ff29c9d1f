using System.Net;
using System.Net.Http.Headers;
using KubePS.Engine.Connection;
using KubePS.Engine.Errors;
using Xunit;

namespace KubePS.Engine.Tests;

public sealed class TracingAndErrorTests
{
    [Fact]
    public async Task Tracing_ReportsVerbUrlStatusAndTime_WithoutSecrets()
    {
        var handler = new ApiCallTracingHandler("dev", "https://k8s:6443", TimeSpan.FromSeconds(1))
        {
            InnerHandler = new StubHandler(HttpStatusCode.OK),
        };
        using var client = new HttpClient(handler);
        var calls = new List<ApiCallInfo>();
        using (ApiCallTrace.Listen(calls.Add))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "https://admin:hunter2@k8s:6443/api/v1/namespaces/x/secrets/db?access_token=SECRET&limit=5");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SUPERSECRET");
            using var _ = await client.SendAsync(request);
        }

        using (var other = new HttpRequestMessage(HttpMethod.Get, "https://k8s:6443/version"))
        {
            using var _ = await client.SendAsync(other); // no listener: not reported
        }

        var call = Assert.Single(calls);
        var line = call.ToString();
        Assert.StartsWith("GET https://", line);
        Assert.Contains("/api/v1/namespaces/x/secrets/db", line);
        Assert.Contains("limit=5", line);
        Assert.Contains(" 200 in ", line);
        Assert.EndsWith(" ms", line);
        Assert.DoesNotContain("SECRET", line);
        Assert.DoesNotContain("hunter2", line);
        Assert.DoesNotContain("Bearer", line);
        Assert.Equal("dev", call.Context);
    }

    [Fact]
    public void Redactor_KeepsOrdinaryQueries()
    {
        Assert.Equal("https://k:6443/api/v1/pods?labelSelector=app%3Dweb&watch=true",
            ApiCallRedactor.RedactUrl(new Uri("https://k:6443/api/v1/pods?labelSelector=app%3Dweb&watch=true")));
        Assert.Equal("https://k:6443/x?token=REDACTED&id_token=REDACTED",
            ApiCallRedactor.RedactUrl(new Uri("https://k:6443/x?token=a&id_token=b")));
    }

    [Fact]
    public void Status422_IsInvalid_WithFieldCauses()
    {
        const string body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
             "reason":"Invalid",
             "details":{"name":"web","group":"apps","kind":"Deployment","causes":[
               {"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"},
               {"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}]},
             "code":422}
            """;
        var ex = KubeErrorMapper.FromStatus(422, body);
        Assert.Equal(KubeErrorKind.KubeInvalid, ex.Kind);
        Assert.Equal("KubeInvalid", ex.ErrorId);
        Assert.Equal("Invalid", ex.Reason);
        Assert.Equal("Deployment/web", ex.Target);
        Assert.Equal(2, ex.Causes.Count);
        Assert.Contains("spec.replicas", ex.Message);
        Assert.Contains("spec.selector: Required value", ex.Message);
    }

    [Theory]
    [InlineData(404, "NotFound", KubeErrorKind.KubeNotFound)]
    [InlineData(403, "Forbidden", KubeErrorKind.KubeForbidden)]
    [InlineData(401, "Unauthorized", KubeErrorKind.KubeUnauthorized)]
    [InlineData(409, "AlreadyExists", KubeErrorKind.KubeConflict)]
    [InlineData(410, "Expired", KubeErrorKind.KubeGone)]
    [InlineData(500, "InternalError", KubeErrorKind.KubeApiError)]
    public void StatusCodes_MapToKinds(int code, string reason, KubeErrorKind kind)
    {
        var body = $$"""{"kind":"Status","status":"Failure","message":"pods \"x\" {{reason}}","reason":"{{reason}}","details":{"name":"x","kind":"pods"},"code":{{code}}}""";
        var ex = KubeErrorMapper.FromStatus(code, body, "GET /api/v1/namespaces/default/pods/x");
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(code, ex.StatusCode);
        Assert.Contains("pods \"x\"", ex.Message);
        Assert.Contains("GET /api/v1/namespaces/default/pods/x", ex.Message);
    }

    [Fact]
    public void NonJsonBody_IsKeptShort()
    {
        var ex = KubeErrorMapper.FromStatus(502, "<html>" + new string('x', 1000) + "</html>");
        Assert.Equal(KubeErrorKind.KubeApiError, ex.Kind);
        Assert.True(ex.Message.Length < 400);
    }

    private sealed class StubHandler(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status));
    }
}
