using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Tests;

/// <summary>The warnings and errors a node logs from now on, as "LEVEL message" lines.</summary>
internal static class WarningLog
{
    public static ConcurrentQueue<string> Collect(ActorSystem system)
    {
        var log = new ConcurrentQueue<string>();
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new Collector(log))), typeof(LogEvent));
        return log;
    }

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> log) =>
            Receive<LogEvent>(e =>
            {
                if (e.LogLevel() >= LogLevel.WarningLevel)
                {
                    log.Enqueue($"{e.LogLevel()} {e.Message}");
                }
            });
    }
}
