using ActorFlow.Avro.Tests.Records;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>Sample records.</summary>
public static class Samples
{
    /// <summary>A transaction with every field set from <paramref name="i"/>.</summary>
    public static Transaction Transaction(int i) => new()
    {
        id = $"tx-{i}",
        account = 1000 + (i % 17),
        amount = 12.5 + i,
        currency = i % 2 == 0 ? "EUR" : "USD",
        timestamp = new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc).AddMilliseconds(i),
        merchant = "shop-" + (i % 5),
        country = "FR",
        approved = i % 3 != 0,
        score = 0.25f * i,
        items = i % 7,
    };

    /// <summary>A record with every Avro type and logical type set.</summary>
    public static AllTypes AllTypes() => new()
    {
        flag = true,
        small = -42,
        big = long.MinValue + 1,
        ratio = 3.25f,
        precise = Math.PI,
        blob = [0, 1, 2, 255],
        text = "héllo wörld ✓",
        nothing = null,
        color = Color.GREEN,
        hash = new Md5 { Value = Enumerable.Range(0, 16).Select(b => (byte)(b * 7)).ToArray() },
        address = new Address { street = "1 rue de la Paix", zip = 75002 },
        tags = ["a", "b", ""],
        counts = new Dictionary<string, long> { ["x"] = 1, ["y"] = long.MaxValue },
        addresses = [new Address { street = "s1", zip = null }, new Address { street = "s2", zip = 1 }],
        nickname = null,
        choice = "text branch",
        price = new global::Avro.AvroDecimal(123456789.12m),
        day = new DateTime(2026, 12, 3, 0, 0, 0, DateTimeKind.Utc),
        timeMillis = TimeSpan.FromMilliseconds(45_296_789),
        timeMicros = TimeSpan.FromTicks(452_967_891_230),
        createdMillis = new DateTime(2026, 12, 3, 14, 30, 5, 123, DateTimeKind.Utc),
        createdMicros = new DateTime(2026, 12, 3, 14, 30, 5, DateTimeKind.Utc).AddTicks(1_234_560),
        uuid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
    };
}
