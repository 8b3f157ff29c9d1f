using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using KubePS.Engine.Connection;

namespace KubePS.Completion;

/// <summary>
/// Completes kubeconfig context names for -Context (and -Name of Get-/Set-KubeContext). Reads the kubeconfig
/// named by -Kubeconfig when it is already on the command line; parsed files are cached until they change,
/// so a warm completion costs a file stat.
/// </summary>
public sealed class ContextNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        try
        {
            var kubeconfig = fakeBoundParameters?["Kubeconfig"] as string;
            var config = KubeConfigLoader.Load(kubeconfig);
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
            foreach (var context in KubeContextService.GetContexts(config))
            {
                if (!pattern.IsMatch(context.Name))
                {
                    continue;
                }

                var text = NeedsQuotes(context.Name) ? "'" + context.Name.Replace("'", "''", StringComparison.Ordinal) + "'" : context.Name;
                var tip = $"{context.Name}: cluster {context.Cluster}, user {context.User}, namespace {context.Namespace ?? "default"}{(context.IsCurrent ? " (current)" : "")}";
                results.Add(new CompletionResult(text, context.Name, CompletionResultType.ParameterValue, tip));
            }
        }
        catch (Exception)
        {
            // Completion never throws: a broken kubeconfig simply completes nothing.
        }

        return results;
    }

    private static bool NeedsQuotes(string value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or '@' or '#' or ',' or '&' or '|')
            {
                return true;
            }
        }

        return false;
    }
}
