namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. <see cref="RestartStrategy.None"/>: the first failure fails the job.</summary>
internal sealed class NoRestartStrategy : RestartStrategy
{
    public override string ToString() => "None";

    internal override RestartBackoff Start(TimeProvider clock, Random random) => new Backoff(clock);

    private sealed class Backoff(TimeProvider clock) : RestartBackoff(clock)
    {
        protected override RestartDecision Decide(DateTimeOffset now) => RestartDecision.GiveUp("restarts are off");
    }
}
