using Akka.Actor;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Config;

/// <summary>
/// How checkpoint records are kept. Immutable: <c>With*</c> methods return changed copies. Defaults come from
/// <c>actorflow.persistence.checkpoints</c> in the embedded reference.conf.
/// </summary>
public sealed record CheckpointSettings
{
    /// <summary>The HOCON path these settings are read from.</summary>
    public const string ConfigPath = "actorflow.persistence.checkpoints";

    private CheckpointSettings(string tableName, int retained)
    {
        TableName = tableName;
        Retained = retained;
    }

    /// <summary>The table of checkpoint records. Default <c>actorflow_checkpoints</c>.</summary>
    public string TableName { get; private init; }

    /// <summary>How many complete checkpoints (savepoints not counted) are kept per job. Default 3.</summary>
    public int Retained { get; private init; }

    /// <summary>Reads the settings of <paramref name="system"/> (its config over the embedded defaults).</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The settings.</returns>
    public static CheckpointSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config);
    }

    /// <summary>Reads the settings at <see cref="ConfigPath"/> of <paramref name="config"/>, over the embedded defaults.</summary>
    /// <param name="config">A config (may be partial or empty).</param>
    /// <returns>The settings.</returns>
    public static CheckpointSettings Create(AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = ActorFlowPersistence.WithDefaults(config).GetConfig(ConfigPath);
        return new CheckpointSettings(c.GetString("table-name"), KnownSettings.Read(c, ConfigPath, "retained", static (s, k) => s.GetInt(k))).Validate();
    }

    /// <summary>Returns a copy with another table name.</summary>
    /// <param name="tableName">A plain SQL identifier (letters, digits, underscores).</param>
    /// <returns>The changed copy.</returns>
    public CheckpointSettings WithTableName(string tableName) => (this with { TableName = tableName }).Validate();

    /// <summary>Returns a copy that keeps another number of complete checkpoints.</summary>
    /// <param name="retained">At least 1.</param>
    /// <returns>The changed copy.</returns>
    public CheckpointSettings WithRetained(int retained) => (this with { Retained = retained }).Validate();

    private CheckpointSettings Validate()
    {
        if (string.IsNullOrEmpty(TableName) || !TableName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            || char.IsAsciiDigit(TableName[0]))
        {
            throw new ArgumentException($"{ConfigPath}.table-name '{TableName}' must be a plain SQL identifier.");
        }

        if (Retained < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Retained), Retained, $"{ConfigPath}.retained must be at least 1.");
        }

        return this;
    }
}
