namespace ActorFlow.Benchmarks.Kafka;

/// <summary>The rounds of one comparison and their medians.</summary>
/// <param name="Name">The comparison's name.</param>
/// <param name="Raw">Raw client runs.</param>
/// <param name="Stage">Stage runs.</param>
public sealed record ComparisonResult(string Name, IReadOnlyList<Measurement> Raw, IReadOnlyList<Measurement> Stage)
{
    /// <summary>Median raw rate, records/s.</summary>
    public double RawMedian => Median(Raw);

    /// <summary>Median stage rate, records/s.</summary>
    public double StageMedian => Median(Stage);

    /// <summary>Stage median over raw median.</summary>
    public double Ratio => StageMedian / RawMedian;

    /// <summary>Stage over raw in each round (raw and stage of one round run back to back, so they share its load).</summary>
    public IReadOnlyList<double> RoundRatios => Raw.Zip(Stage, (r, s) => s.Rate / r.Rate).ToArray();

    /// <summary>Median of <see cref="RoundRatios"/>.</summary>
    public double RoundRatioMedian => Median(RoundRatios);

    /// <summary>Median raw rate after the first record (consumers), or null.</summary>
    public double? RawSteadyMedian => Raw.All(r => r.SteadyRate is not null) ? Median(Raw.Select(r => r.SteadyRate!.Value).ToArray()) : null;

    /// <summary>Median stage rate after the first record (consumers), or null.</summary>
    public double? StageSteadyMedian => Stage.All(r => r.SteadyRate is not null) ? Median(Stage.Select(r => r.SteadyRate!.Value).ToArray()) : null;

    private static double Median(IReadOnlyList<Measurement> runs) => Median(runs.Select(r => r.Rate).ToArray());

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
