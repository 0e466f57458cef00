namespace ActorFlow.TestKit.Tests.Assertions;

public sealed class PollSpec
{
    /// <summary>Verify that UntilAsync returns once the condition holds.</summary>
    [Fact]
    public async Task UntilAsync_must_return_when_the_condition_holds()
    {
        var checks = 0;
        await Poll.UntilAsync(() => ++checks == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, checks);
    }

    /// <summary>Verify that UntilAsync fails after its timeout with a message describing what was awaited.</summary>
    [Fact]
    public async Task UntilAsync_must_fail_with_the_description_after_the_timeout()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(250), () => "the answer (last: 41)"));
        Assert.Contains("for the answer (last: 41)", error.Message, StringComparison.Ordinal);
    }
}
