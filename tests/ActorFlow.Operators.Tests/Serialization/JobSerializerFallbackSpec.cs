using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Tests.Serialization;

/// <summary>
/// An operator a job makes asks its own registry first, then the job's (the runtime makes operators inside
/// <see cref="SerializerRegistry.ForJob"/>); one given no registry uses the job's; outside a job nothing changes.
/// </summary>
public sealed class JobSerializerFallbackSpec
{
    private static readonly ITypeSerializer<Uri> OwnUri = Serializers.Create<Uri>((w, u) => w.WriteString(u.ToString()), (ref StateReader r) => new Uri(r.ReadString()!));
    private static readonly ITypeSerializer<Uri> JobUri = Serializers.Create<Uri>((w, u) => w.WriteString(u.ToString()), (ref StateReader r) => new Uri(r.ReadString()!));
    private static readonly ITypeSerializer<Version> JobVersion = Serializers.Create<Version>((w, v) => w.WriteString(v.ToString()), (ref StateReader r) => new Version(r.ReadString()!));

    /// <summary>Verify that inside a job's scope the operator's own serializer wins and the job's serves what it lacks.</summary>
    [Fact]
    public void An_operators_registry_must_come_first_and_the_jobs_serve_the_rest()
    {
        var own = new SerializerRegistry().Register(OwnUri);
        var customString = Serializers.Create<string>((w, v) => w.WriteString(v), (ref StateReader r) => r.ReadString()!);
        var job = new SerializerRegistry().Register(JobUri).Register(JobVersion).Register(customString);

        SerializerRegistry resolved, unnamed;
        using (SerializerRegistry.ForJob(job))
        {
            resolved = SerializerRegistry.Resolve(own);
            unnamed = SerializerRegistry.Resolve(null);
        }

        Assert.Same(OwnUri, resolved.Get<Uri>());
        Assert.Same(JobVersion, resolved.Get<Version>());
        Assert.Same(JobVersion, unnamed.Get<Version>());
        // The built-ins stay the operator's own, given a registry or not (a job's string serializer would change the
        // format of its keys in existing checkpoints).
        Assert.Same(new SerializerRegistry().Get<string>(), unnamed.Get<string>());
        Assert.Same(new SerializerRegistry().Get<string>(), resolved.Get<string>());
        // A pair made of the job's serializers is kept by the view, not in the operator's registry another job may share.
        Assert.NotNull(resolved.Get<(string, Version)>());
        Assert.False(own.TryGet<(string, Version)>(out _));
        Assert.Same(own, SerializerRegistry.Resolve(own)); // the scope ended
        Assert.Throws<ArgumentException>(() => own.Get<Version>()); // the job's serializers were not copied into the operator's registry
    }

    /// <summary>Verify that a window builder given no registry builds with the job's, and fails naming the type without one.</summary>
    [Fact]
    public void A_window_operator_must_find_its_record_type_in_the_jobs_registry()
    {
        var job = new SerializerRegistry().Register(JobVersion);
        var builder = WindowOperators.For<string, Version>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

        using (SerializerRegistry.ForJob(job))
        {
            Assert.NotNull(builder.Reduce((a, b) => a > b ? a : b));
        }

        var e = Assert.Throws<ArgumentException>(() => builder.Reduce((a, b) => a > b ? a : b));
        Assert.Contains("System.Version", e.Message, StringComparison.Ordinal);
        Assert.Contains("StreamJobBuilder.WithSerializers", e.Message, StringComparison.Ordinal);
    }
}
