using System.Reflection;
using ActorFlow.Persistence.Checkpoints;
using Microsoft.Data.Sqlite;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A checkpoint store whose database can be switched off: while <see cref="IsDown"/>, writes (<c>SaveAsync</c>)
/// fail as SQLite does when its file is gone; everything else goes to the real store. A
/// <see cref="DispatchProxy"/>, so it forwards every member the interface has.
/// </summary>
public class FaultyCheckpointStore : DispatchProxy
{
    private ICheckpointStore _inner = null!;

    /// <summary>Whether writes fail.</summary>
    public bool IsDown { get; set; }

    /// <summary>Writes attempted while down.</summary>
    public int FailedWrites { get; private set; }

    public static (ICheckpointStore Store, FaultyCheckpointStore Control) Wrap(ICheckpointStore inner)
    {
        var store = Create<ICheckpointStore, FaultyCheckpointStore>();
        var control = (FaultyCheckpointStore)(object)store;
        control._inner = inner;
        return (store, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (IsDown && targetMethod.Name == nameof(ICheckpointStore.SaveAsync))
        {
            FailedWrites++;
            return Task.FromException(new SqliteException("SQLite Error 14: 'unable to open database file'.", 14));
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
