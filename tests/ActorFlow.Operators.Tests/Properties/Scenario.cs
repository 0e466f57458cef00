namespace ActorFlow.Operators.Tests.Properties;

/// <summary>One step of a generated scenario: a record (key, value, timestamp) or a watermark.</summary>
internal readonly record struct Step(bool IsWatermark, string Key, long Value, long Time);

/// <summary>Decodes FsCheck-generated integers into shuffled, out-of-order, duplicate-timestamp input with random watermarks.</summary>
internal static class Scenario
{
    public static List<Step> Decode(int[] raw)
    {
        var steps = new List<Step>(raw.Length + 1);
        long cursor = 0;
        foreach (var x in raw)
        {
            var u = (uint)x;
            cursor += 37;
            if ((u & 7) == 0)
            {
                steps.Add(new Step(true, string.Empty, 0, cursor - ((u >> 3) % 1500)));
            }
            else
            {
                // 100 ms granularity gives many duplicate timestamps; up to 2 s out of order, some negative
                var ts = cursor + (((u >> 5) % 40) * 100) - 2000;
                steps.Add(new Step(false, "k" + ((u >> 3) & 3), (u >> 16) % 100, ts));
            }
        }

        steps.Add(new Step(true, string.Empty, 0, cursor + 100_000));
        return steps;
    }

    public static long FloorDiv(long a, long b) => (a / b) - (((a % b) != 0 && ((a < 0) ^ (b < 0))) ? 1 : 0);
}
