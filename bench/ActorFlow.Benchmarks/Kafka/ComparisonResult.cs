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

    private static double Median(IReadOnlyList<Measurement> runs)
    {
        var rates = runs.Select(r => r.Rate).Order().ToArray();
        return rates.Length % 2 == 1 ? rates[rates.Length / 2] : (rates[(rates.Length / 2) - 1] + rates[rates.Length / 2]) / 2;
    }
}
