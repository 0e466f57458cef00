using ActorFlow.Kafka.Internal;
using Akka.Event;
using Akka.TestKit;

namespace ActorFlow.Kafka.Tests.Internal;

public sealed class KafkaClientLogSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly FakeClock _clock = new();
    private readonly TestProbe _warnings;
    private readonly KafkaClientLog _log;

    public KafkaClientLogSpec()
    {
        _warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(_warnings.Ref, typeof(Warning));
        _log = new KafkaClientLog(Logging.GetLogger(Sys, "librdkafka-spec"), _clock);
    }

    /// <summary>Verify that a message librdkafka repeats is written once per interval, the next write counting the ones suppressed.</summary>
    [Fact]
    public void A_KafkaClientLog_must_write_a_repeated_message_once_per_interval_with_the_suppressed_count()
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Write(LogLevel.WarningLevel, $"127.0.0.1:1/bootstrap: Connect failed (after {i}ms in state CONNECT)");
        }

        Assert.Equal("librdkafka: 127.0.0.1:1/bootstrap: Connect failed (after 0ms in state CONNECT)", _warnings.ExpectMsg<Warning>().Message.ToString());
        _log.Write(LogLevel.WarningLevel, "another message");
        Assert.Equal("librdkafka: another message", _warnings.ExpectMsg<Warning>().Message.ToString());
        _warnings.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        _clock.Advance(KafkaClientLog.Interval);
        _log.Write(LogLevel.WarningLevel, "127.0.0.1:1/bootstrap: Connect failed (after 9ms in state CONNECT)");

        Assert.Equal(
            "librdkafka: 127.0.0.1:1/bootstrap: Connect failed (after 9ms in state CONNECT) (4 more like it in the last 10 s suppressed)",
            _warnings.ExpectMsg<Warning>().Message.ToString());
    }

    /// <summary>Verify that librdkafka's warning about the gapless guarantee the exactly-once sink sets on purpose is not written, other configuration warnings are.</summary>
    [Fact]
    public void A_KafkaClientLog_must_leave_out_the_warning_about_the_gapless_guarantee()
    {
        _log.OnLog(null!, new Confluent.Kafka.LogMessage("rdkafka#producer-1", Confluent.Kafka.SyslogLevel.Warning, "CONFWARN", "[thrd:app]: Configuration property enable.gapless.guarantee is experimental: When set to `true`, ..."));
        _log.OnLog(null!, new Confluent.Kafka.LogMessage("rdkafka#producer-1", Confluent.Kafka.SyslogLevel.Warning, "CONFWARN", "[thrd:app]: Configuration property fetch.wait.max.ms is a consumer property and will be ignored"));

        Assert.Equal(
            "librdkafka: rdkafka#producer-1 CONFWARN: [thrd:app]: Configuration property fetch.wait.max.ms is a consumer property and will be ignored",
            _warnings.ExpectMsg<Warning>().Message.ToString());
        _warnings.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    private sealed class FakeClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
