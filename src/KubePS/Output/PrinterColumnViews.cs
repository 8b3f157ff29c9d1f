using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KubePS.Engine.Discovery;
using KubePS.Engine.Resources;

namespace KubePS.Output;

/// <summary>
/// Table views for custom resources built from their CRD's additionalPrinterColumns (what kubectl get
/// prints for them), registered once per kind and session with Update-FormatData.
/// </summary>
public static class PrinterColumnViews
{
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    /// <summary>True when a view for this type name still has to be registered in this process.</summary>
    public static bool NeedsView(string typeName)
    {
        lock (Gate)
        {
            return !Registered.Contains(typeName);
        }
    }

    public static void MarkRegistered(string typeName)
    {
        lock (Gate)
        {
            Registered.Add(typeName);
        }
    }

    /// <summary>The printer columns of the CRD behind a custom resource type, or null when it is not a CRD kind.</summary>
    public static async Task<IReadOnlyList<(string Name, string Type, string JsonPath, int Priority)>?> GetColumnsAsync(
        k8s.IKubernetes client, ApiResourceInfo resource, CancellationToken cancellationToken)
    {
        if (resource.Group.Length == 0 || !resource.Group.Contains('.'))
        {
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = await KubeRequest.GetJsonAsync(client, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + resource.Plural + "." + resource.Group, cancellationToken).ConfigureAwait(false);
        }
        catch (Engine.Errors.KubeException)
        {
            return null; // an aggregated API, or no right to read CRDs: the generic view is used
        }
        using (doc)
        {
            var result = new List<(string, string, string, int)>();
            if (!doc.RootElement.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("versions", out var versions))
            {
                return result;
            }
            foreach (var v in versions.EnumerateArray())
            {
                if (v.GetProperty("name").GetString() != resource.Version || !v.TryGetProperty("additionalPrinterColumns", out var cols))
                {
                    continue;
                }
                foreach (var c in cols.EnumerateArray())
                {
                    result.Add((c.GetProperty("name").GetString() ?? "",
                        c.TryGetProperty("type", out var t) ? t.GetString() ?? "string" : "string",
                        c.TryGetProperty("jsonPath", out var j) ? j.GetString() ?? "" : "",
                        c.TryGetProperty("priority", out var p) && p.TryGetInt32(out var pi) ? pi : 0));
                }
            }
            return result;
        }
    }

    /// <summary>Format XML with a default and a Wide table view for <paramref name="typeName"/>.</summary>
    public static string BuildFormatXml(string typeName, IReadOnlyList<(string Name, string Type, string JsonPath, int Priority)> columns, bool namespaced)
    {
        var cols = new List<(string Label, string Script, int Priority)> { ("NAME", "$_.Name", 0) };
        foreach (var c in columns)
        {
            var expr = ToPowerShell(c.JsonPath);
            var script = c.Type == "date" ? $"[KubePS.Output.KubeObjectProperties]::FormatSince({expr})" : expr;
            cols.Add((c.Name.ToUpperInvariant(), script, c.Priority));
        }
        if (columns.Count == 0)
        {
            cols.Add(("AGE", "[KubePS.Output.KubeObjectProperties]::FormatAge($_.Age)", 0));
        }
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Configuration><ViewDefinitions>\n");
        foreach (var wide in new[] { false, true })
        {
            var shown = cols.Where(c => wide || c.Priority == 0).ToList();
            sb.Append("<View><Name>").Append(wide ? "Wide" : "Default").Append("</Name><ViewSelectedBy><TypeName>")
              .Append(System.Security.SecurityElement.Escape(typeName)).Append("</TypeName></ViewSelectedBy>");
            if (namespaced)
            {
                sb.Append("<GroupBy><ScriptBlock>$_.Namespace</ScriptBlock><Label>Namespace</Label></GroupBy>");
            }
            sb.Append("<TableControl><TableHeaders>");
            foreach (var c in shown)
            {
                sb.Append("<TableColumnHeader><Label>").Append(System.Security.SecurityElement.Escape(c.Label)).Append("</Label></TableColumnHeader>");
            }
            sb.Append("</TableHeaders><TableRowEntries><TableRowEntry><TableColumnItems>");
            foreach (var c in shown)
            {
                sb.Append("<TableColumnItem><ScriptBlock>").Append(System.Security.SecurityElement.Escape(c.Script)).Append("</ScriptBlock></TableColumnItem>");
            }
            sb.Append("</TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View>\n");
        }
        sb.Append("</ViewDefinitions></Configuration>\n");
        return sb.ToString();
    }

    private static readonly Regex Filter = new(@"^\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*[""']([^""']*)[""']\)\]$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Turns a CRD column's JSONPath (.spec.size, .status.conditions[?(@.type=="Ready")].status, .items[0].name)
    /// into a PowerShell expression over $_ that yields nothing (not an error) when a field is missing.
    /// </summary>
    public static string ToPowerShell(string jsonPath)
    {
        var path = jsonPath.Trim();
        if (path.StartsWith('{') && path.EndsWith('}'))
        {
            path = path[1..^1];
        }
        var expr = new StringBuilder("$_");
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                var start = i;
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    i++;
                }
                var name = path[start..i];
                if (name.Length > 0)
                {
                    expr.Append(".'").Append(name.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                }
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }
                var bracket = path[i..(end + 1)];
                i = end + 1;
                var m = Filter.Match(bracket);
                if (m.Success)
                {
                    var inner = expr.ToString();
                    expr.Clear().Append("(@(").Append(inner).Append(") | Where-Object { $_.'").Append(m.Groups[1].Value)
                        .Append("' -eq '").Append(m.Groups[2].Value.Replace("'", "''", StringComparison.Ordinal)).Append("' })");
                }
                else if (int.TryParse(bracket[1..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    var inner = expr.ToString();
                    expr.Clear().Append("@(").Append(inner).Append(")[").Append(n).Append(']');
                }
                // [*] and anything else: PowerShell's member enumeration already spreads arrays.
            }
            else
            {
                i++;
            }
        }
        return expr.ToString();
    }
}
