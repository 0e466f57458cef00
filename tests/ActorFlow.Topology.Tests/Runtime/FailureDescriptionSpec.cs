using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// How a job's failure is described to operators (<c>actorflow status</c>, the failover warning): a library's wrapper
/// names its innermost cause too. A full disk under the Parquet sink was reported only as Parquet.Net's "failed to
/// serialise data column 'timestamp'" (found by an SRE's review).
/// </summary>
public sealed class FailureDescriptionSpec
{
    /// <summary>Verify that a wrapped cause is named, and a failure whose message already holds it, or has none, is described as before.</summary>
    [Fact]
    public void A_wrapped_cause_must_be_named()
    {
        var disk = new IOException("No space left on device");

        Assert.Equal(
            "ApplicationException: failed to serialise data column 'timestamp' (caused by IOException: No space left on device)",
            JobFailures.Describe(new AggregateException(new ApplicationException("failed to serialise data column 'timestamp'", disk))));
        Assert.Equal("IOException: No space left on device", JobFailures.Describe(disk));
        Assert.Equal(
            "InvalidOperationException: the sink failed: No space left on device",
            JobFailures.Describe(new InvalidOperationException("the sink failed: No space left on device", disk)));
    }
}
