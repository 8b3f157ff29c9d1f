using System.Text.Json.Nodes;

namespace KubePS.LocalCluster;

/// <summary>An error answered as a metav1.Status.</summary>
public sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject details = null) : base(message)
    { Code = code; Reason = reason; Details = details; }

    public int Code { get; }
    public string Reason { get; }
    public JsonObject Details { get; }
    /// <summary>Plain-text body instead of a Status (unknown group/path: "404 page not found").</summary>
    public bool PlainText { get; init; }

    public JsonObject ToStatus()
    {
        var s = new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(),
            ["status"] = "Failure", ["message"] = Message, ["reason"] = Reason,
        };
        if (Details != null) s["details"] = Details.DeepClone();
        s["code"] = Code;
        return s;
    }

    public static JsonObject NameDetails(ResourceType t, string name)
    {
        var d = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0) d["group"] = t.Group;
        d["kind"] = t.Plural;
        return d;
    }

    public static ApiError NotFound(ResourceType t, string name) => new(404, "NotFound", $"{t} \"{name}\" not found", NameDetails(t, name));
    public static ApiError BadRequest(string msg) => new(400, "BadRequest", msg);
    public static ApiError PageNotFound() => new(404, "NotFound", "404 page not found") { PlainText = true };
    public static ApiError MethodNotAllowed(string msg = "the server does not allow this method on the requested resource") => new(405, "MethodNotAllowed", msg);

    public static ApiError Invalid(ResourceType t, string name, List<(string Field, string Reason, string Message)> causes)
    {
        var d = new JsonObject { ["name"] = name };
        if (t.Group.Length > 0) d["group"] = t.Group;
        d["kind"] = t.Kind;
        var arr = new JsonArray();
        foreach (var c in causes) arr.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
        d["causes"] = arr;
        var parts = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var msg = $"{t.Kind}{(t.Group.Length > 0 ? "." + t.Group : "")} \"{name}\" is invalid: " + (parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]");
        return new ApiError(422, "Invalid", msg, d);
    }

    public static ApiError From(StoreException e, ResourceType t, string name) =>
        new(e.Code, e.Reason, e.Message, NameDetails(t, name));
}
