using System.Management.Automation;

namespace KubePS.Commands;

/// <summary>
/// <para type="synopsis">Writes the unified text diff of Compare-KubeResource results, optionally coloured.</para>
/// </summary>
[Cmdlet(VerbsCommon.Format, "KubeDiff")]
[OutputType(typeof(string))]
public sealed class FormatKubeDiffCommand : PSCmdlet
{
    /// <summary>Results of Compare-KubeResource (anything with a Diff property).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    /// <summary>Colours added lines green and removed lines red (ANSI escape sequences).</summary>
    [Parameter]
    public SwitchParameter Color { get; set; }

    /// <summary>Also writes a line for objects that would not change.</summary>
    [Parameter]
    public SwitchParameter IncludeUnchanged { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            var diff = item.Properties["Diff"]?.Value as string ?? "";
            if (diff.Length == 0)
            {
                if (IncludeUnchanged.IsPresent)
                {
                    WriteObject($"= {item.Properties["Kind"]?.Value}/{item.Properties["Name"]?.Value} unchanged");
                }
                continue;
            }
            var lines = diff.TrimEnd('\n').Split('\n');
            if (!Color.IsPresent)
            {
                WriteObject(string.Join("\n", lines));
                continue;
            }
            var coloured = lines.Select(l =>
                l.StartsWith("+++", StringComparison.Ordinal) || l.StartsWith("---", StringComparison.Ordinal) ? "\u001b[1m" + l + "\u001b[0m"
                : l.StartsWith('+') ? "\u001b[32m" + l + "\u001b[0m"
                : l.StartsWith('-') ? "\u001b[31m" + l + "\u001b[0m"
                : l.StartsWith("@@", StringComparison.Ordinal) ? "\u001b[36m" + l + "\u001b[0m"
                : l);
            WriteObject(string.Join("\n", coloured));
        }
    }
}
