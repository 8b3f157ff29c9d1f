using System.Collections.Concurrent;
using System.Management.Automation;
using KubePS.Engine.Connection;
using KubePS.Engine.Errors;

namespace KubePS;

/// <summary>
/// Base of every KubePS cmdlet: owns the async pipeline.
/// </summary>
/// <remarks>
/// <para>Derived cmdlets override <see cref="BeginProcessingAsync"/>, <see cref="ProcessRecordAsync"/> and/or
/// <see cref="EndProcessingAsync"/>. Each runs on the thread pool while the pipeline thread pumps a queue of
/// actions; the <c>Emit*</c> methods and <see cref="ShouldProcessAsync"/> enqueue onto it, so WriteObject,
/// WriteError, WriteVerbose, WriteWarning, WriteProgress and ShouldProcess only ever run on the pipeline thread.
/// The pipeline thread never blocks on the task itself (no .Result while the engine waits for it), so there is
/// no deadlock.</para>
/// <para><see cref="StopProcessing"/> (Ctrl+C, or Select-Object -First downstream) cancels the token passed to
/// the async methods, which aborts in-flight HTTP at once.</para>
/// <para>Failures: throw <see cref="KubeException"/> (or let the engine's propagate) for a terminating error;
/// call <see cref="EmitError(KubeException, object?)"/> for a per-item, non-terminating one. Every API call made
/// while the async method runs is written to the Verbose stream (secrets redacted by the engine).</para>
/// </remarks>
public abstract class KubeCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private BlockingCollection<Action>? _queue;
    private CiAnnotator? _ci;
    private bool _disposed;

    /// <summary>Cancelled by StopProcessing.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The async counterpart of BeginProcessing.</summary>
    protected virtual Task BeginProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The async counterpart of ProcessRecord (once per pipeline input).</summary>
    protected virtual Task ProcessRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The async counterpart of EndProcessing.</summary>
    protected virtual Task EndProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The Set-KubeContext defaults of the calling runspace (captured on the pipeline thread).</summary>
    protected KubeSession Session { get; private set; } = null!;

    /// <inheritdoc />
    protected sealed override void BeginProcessing()
    {
        Session = KubeSession.Current;
        Pump(BeginProcessingAsync);
    }

    /// <inheritdoc />
    protected sealed override void ProcessRecord()
    {
        PrepareProcessRecord();
        Pump(ProcessRecordAsync);
    }

    /// <summary>
    /// Runs on the pipeline thread before each <see cref="ProcessRecordAsync"/>: the place for work that needs
    /// PowerShell state (resolving paths against the current location, reading variables).
    /// </summary>
    protected virtual void PrepareProcessRecord()
    {
    }

    /// <summary>Resolves a path against the current PowerShell location (call on the pipeline thread).</summary>
    protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <inheritdoc />
    protected sealed override void EndProcessing() => Pump(EndProcessingAsync);

    /// <inheritdoc />
    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>Writes an object to the pipeline (from any thread).</summary>
    protected void Emit(object? item) => Enqueue(() => WriteObject(item));

    /// <summary>
    /// Writes a batch of objects to the pipeline (from any thread), a few per hand-over to the pipeline thread: a
    /// 500-object list page costs 32 queue hand-overs instead of 500, and at most 16 objects per queue slot wait for
    /// a slow consumer.
    /// </summary>
    protected void EmitAll(IReadOnlyList<object> items)
    {
        const int chunk = 16;
        for (var start = 0; start < items.Count; start += chunk)
        {
            var from = start;
            var to = Math.Min(start + chunk, items.Count);
            Enqueue(() =>
            {
                for (var i = from; i < to; i++)
                {
                    WriteObject(items[i]);
                }
            });
        }
    }

    /// <summary>Writes each item of a collection to the pipeline (from any thread).</summary>
    protected void EmitEnumerated(System.Collections.IEnumerable items) => Enqueue(() => WriteObject(items, enumerateCollection: true));

    /// <summary>Writes a non-terminating error (from any thread).</summary>
    protected void EmitError(ErrorRecord record) => Enqueue(() => WriteError(record));

    /// <summary>Writes a non-terminating error for an engine failure about <paramref name="target"/>.</summary>
    protected void EmitError(KubeException exception, object? target = null)
    {
        if (CiAnnotationFor(exception, target) is { } annotation)
        {
            EmitHostLine(annotation);
        }
        EmitError(KubeErrorRecords.Create(exception, target));
    }

    /// <summary>
    /// The CI annotation line (::error ... / ##vso[task.logissue ...]) for an engine failure, or null. Called for
    /// every failure written with <see cref="EmitError(KubeException, object?)"/> and for the terminating one: the
    /// <see cref="Ci"/> annotator's line in the cmdlets with -CiAnnotations (<see cref="ICiAnnotationsCmdlet"/>), else null.
    /// </summary>
    protected virtual string? CiAnnotationFor(KubeException exception, object? target) =>
        this is ICiAnnotationsCmdlet ? Ci.Annotate(exception, target) : null;

    /// <summary>
    /// The CI annotator of this call: in a cmdlet with -CiAnnotations (<see cref="ICiAnnotationsCmdlet"/>) on when the
    /// switch is given, off when it is given as -CiAnnotations:$false, else on when a CI platform is detected; off in
    /// every other cmdlet.
    /// </summary>
    protected CiAnnotator Ci => _ci ??= CiAnnotator.For(this is ICiAnnotationsCmdlet cmdlet
        ? MyInvocation.BoundParameters.ContainsKey(nameof(cmdlet.CiAnnotations)) ? cmdlet.CiAnnotations.IsPresent : null
        : false);

    /// <summary>Writes a line to the host (standard output in a pipeline job, where CI runners read their commands) from any thread.</summary>
    protected void EmitHostLine(string line) => Enqueue(() => WriteHostLine(line));

    private void WriteHostLine(string line) =>
        WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "KubePS.Ci" });

    private void AnnotateTerminating(ErrorRecord record)
    {
        if (record.Exception is KubeException kube && CiAnnotationFor(kube, record.TargetObject) is { } annotation)
        {
            WriteHostLine(annotation);
        }
    }

    /// <summary>Writes to the Verbose stream (from any thread).</summary>
    protected void EmitVerbose(string message) => Enqueue(() => WriteVerbose(message));

    /// <summary>Writes to the Debug stream (from any thread).</summary>
    protected void EmitDebug(string message) => Enqueue(() => WriteDebug(message));

    /// <summary>Writes a warning (from any thread).</summary>
    protected void EmitWarning(string message) => Enqueue(() => WriteWarning(message));

    /// <summary>Writes a progress record (from any thread).</summary>
    protected void EmitProgress(ProgressRecord record) => Enqueue(() => WriteProgress(record));

    /// <summary>Asks ShouldProcess on the pipeline thread and returns its answer to the async code.</summary>
    protected Task<bool> ShouldProcessAsync(string target, string action) => InvokeOnPipelineThreadAsync(() => ShouldProcess(target, action));

    /// <summary>
    /// Runs <paramref name="func"/> on the pipeline thread (for anything that must run there: ShouldContinue,
    /// SessionState access) and returns its result to the async code.
    /// </summary>
    protected async Task<T> InvokeOnPipelineThreadAsync<T>(Func<T> func)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = CancellationToken.Register(() => completion.TrySetCanceled(CancellationToken));
        Enqueue(() =>
        {
            try
            {
                completion.TrySetResult(func());
            }
            catch (Exception ex)
            {
                completion.TrySetException(ex);
                throw;
            }
        });
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>Throws a terminating error built from <paramref name="record"/> out of async code.</summary>
    protected static Exception Terminate(ErrorRecord record) => new TerminatingErrorException(record);

    private void Enqueue(Action action)
    {
        var queue = _queue ?? throw new InvalidOperationException("KubeCmdlet output can only be written while an async processing method runs.");
        try
        {
            queue.Add(action, CancellationToken);
        }
        catch (InvalidOperationException) when (queue.IsAddingCompleted)
        {
            throw new OperationCanceledException("The pipeline has finished.", CancellationToken);
        }
    }

    private void Pump(Func<CancellationToken, Task> work)
    {
        var queue = new BlockingCollection<Action>(boundedCapacity: 1024);
        _queue = queue;
        var token = CancellationToken;
        var task = Task.Run(async () =>
        {
            try
            {
                using (ApiCallTrace.Listen(call => EmitVerbose(call.ToString())))
                {
                    await work(token).ConfigureAwait(false);
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        try
        {
            foreach (var action in queue.GetConsumingEnumerable())
            {
                action();
            }
        }
        catch
        {
            // A write failed (pipeline stopped downstream, or an action threw): stop the async work and let it finish on its own.
            _cancellation.Cancel();
            _ = task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            throw;
        }
        finally
        {
            _queue = null;
        }

        Complete(task);
    }

    private void Complete(Task task)
    {
        // The queue completes only when the task has finished, so this does not block.
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (TerminatingErrorException terminating)
        {
            AnnotateTerminating(terminating.Record);
            ThrowTerminatingError(terminating.Record);
        }
        catch (KubeException kube)
        {
            var record = KubeErrorRecords.Create(kube, kube.Target);
            AnnotateTerminating(record);
            ThrowTerminatingError(record);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ParameterBindingException)
        {
            var mapped = KubeErrorMapper.Map(ex, null, null, CancellationToken);
            if (mapped is KubeException mappedKube)
            {
                var record = KubeErrorRecords.Create(mappedKube, mappedKube.Target);
                AnnotateTerminating(record);
                ThrowTerminatingError(record);
            }

            ThrowTerminatingError(new ErrorRecord(ex, "KubeUnexpectedError", ErrorCategory.NotSpecified, null));
        }
    }

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; derived cmdlets override to release their own.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _cancellation.Dispose();
        }

        _disposed = true;
    }

    private sealed class TerminatingErrorException(ErrorRecord record) : Exception(record.Exception?.Message)
    {
        public ErrorRecord Record { get; } = record;
    }
}
