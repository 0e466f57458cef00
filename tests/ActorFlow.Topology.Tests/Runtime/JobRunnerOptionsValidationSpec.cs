using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>Options out of range are refused naming each setting and its value (the message dumped the whole record and named none).</summary>
public sealed class JobRunnerOptionsValidationSpec
{
    /// <summary>Verify that every setting out of range is named with its value, and that the defaults pass.</summary>
    [Fact]
    public void Invalid_options_must_be_named_with_their_values()
    {
        new JobRunnerOptions().Validate();

        var e = Assert.Throws<ArgumentException>(() => new JobRunnerOptions { Shards = 0, AskTimeout = TimeSpan.Zero, KeyGroupRestartLog = -1 }.Validate());

        Assert.Equal(
            "Invalid job runner options: Shards = 0 (must be >= 1); KeyGroupRestartLog = -1 (must be >= 0); AskTimeout = 00:00:00 (must be positive).",
            e.Message);
    }
}
