using System.Globalization;

namespace FraudDetection.Records;

/// <summary>Event time as milliseconds since the Unix epoch, the unit of watermarks and timers.</summary>
public partial class Transaction
{
    /// <summary>Gets the event time in milliseconds since the Unix epoch.</summary>
    public long Time => EventTime.Millis(timestamp);

    /// <summary>Creates a transaction.</summary>
    /// <param name="id">The transaction's id.</param>
    /// <param name="account">The account.</param>
    /// <param name="time">Event time, milliseconds since the Unix epoch.</param>
    /// <param name="amount">The amount.</param>
    /// <param name="merchant">The merchant.</param>
    /// <param name="country">The country.</param>
    /// <param name="card">The card.</param>
    /// <returns>The transaction.</returns>
    public static Transaction Create(string id, string account, long time, double amount, string merchant = "", string country = "", string card = "") => new()
    {
        transactionId = id,
        accountId = account,
        timestamp = EventTime.Utc(time),
        amount = amount,
        merchant = merchant,
        country = country,
        card = card,
    };

    /// <summary>"id account time amount", for messages and test diffs.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{transactionId} {accountId} {Time} {amount:0.00}");
}

/// <summary>Event time of an alert.</summary>
public partial class Alert
{
    /// <summary>Gets the event time in milliseconds since the Unix epoch.</summary>
    public long Time => EventTime.Millis(time);

    /// <summary>"rule account time [ids]", for messages and test diffs.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{rule} {accountId} {Time} [{string.Join(',', transactions.Select(t => t.transactionId))}]");
}

/// <summary>Effective time of a rule change.</summary>
public partial class RuleChange
{
    /// <summary>Gets the time from which the change is in force, milliseconds since the Unix epoch.</summary>
    public long EffectiveFrom => EventTime.Millis(effectiveFrom);
}

/// <summary>Conversions between Avro's timestamp-millis (<see cref="DateTime"/>, UTC) and milliseconds since the epoch.</summary>
public static class EventTime
{
    /// <summary>Milliseconds since the Unix epoch of a UTC (or unspecified, read as UTC) time.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The milliseconds.</returns>
    public static long Millis(DateTime time) =>
        new DateTimeOffset(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    /// <summary>The UTC time of milliseconds since the Unix epoch.</summary>
    /// <param name="millis">The milliseconds.</param>
    /// <returns>The time.</returns>
    public static DateTime Utc(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime;
}
