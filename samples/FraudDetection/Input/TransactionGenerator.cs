using System.Globalization;
using FraudDetection.Records;

namespace FraudDetection.Input;

/// <summary>What a generator run injected, to compare with the alerts.</summary>
/// <param name="SmallThenLarge">Small-then-large pairs injected.</param>
/// <param name="Velocity">Bursts injected.</param>
/// <param name="Spike">Spikes injected.</param>
/// <param name="Late">Transactions sent far behind their time (late for the job).</param>
public sealed record InjectedFraud(int SmallThenLarge, int Velocity, int Spike, int Late);

/// <summary>
/// Card traffic, deterministic for a seed: many accounts with skewed activity (account i is picked with weight
/// 1 / (i + 1)^0.4), one transaction every 50 ms of event time on average, amounts log-normal around 40.00, each
/// timestamp up to 3 s before its position in the stream (out of order within the job's 5 s bound), and 0.05 %
/// sent 30 to 120 s behind (late). Fraud is injected: small-then-large pairs (a card test under 1.00, then over
/// 500.00 5 to 50 s later), velocity bursts (12 transactions in 30 s) and spikes (20 to 50 times the usual amount).
/// </summary>
public static class TransactionGenerator
{
    /// <summary>Event time of the first transaction: 2026-11-25T13:00:00Z.</summary>
    public const long Start = 1_795_611_600_000;

    /// <summary>Generates <paramref name="count"/> transactions in the order they are sent.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed: the same seed gives the same transactions.</param>
    /// <param name="accounts">How many accounts.</param>
    /// <returns>The transactions and what was injected.</returns>
    public static (List<Transaction> Transactions, InjectedFraud Injected) Generate(int count, int seed, int accounts = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(accounts, 1);
        var random = new Random(seed);
        var cumulative = new double[accounts];
        var total = 0.0;
        for (var i = 0; i < accounts; i++)
        {
            total += 1 / Math.Pow(i + 1, 0.4);
            cumulative[i] = total;
        }

        var result = new List<Transaction>(count);
        var scheduled = new PriorityQueue<Transaction, (long, int)>();      // injected follow-ups, sent at their time
        int smallThenLarge = 0, velocity = 0, spike = 0, late = 0, sequence = 0;
        var time = Start;
        while (result.Count < count)
        {
            time += (long)(-Math.Log(1 - random.NextDouble()) * 50);
            while (result.Count < count && scheduled.TryPeek(out _, out var due) && due.Item1 <= time)
            {
                result.Add(scheduled.Dequeue());
            }

            if (result.Count >= count)
            {
                break;
            }

            var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
            var account = Account(Math.Min(index < 0 ? ~index : index, accounts - 1));
            var roll = random.Next(10_000);
            if (roll < 10)
            {
                // small-then-large: a card test, then the real theft.
                smallThenLarge++;
                result.Add(Next(account, time, Math.Round(0.01 + (random.NextDouble() * 0.98), 2)));
                var later = time + random.Next(5_000, 50_000);
                scheduled.Enqueue(Next(account, later, Math.Round(500.01 + (random.NextDouble() * 1_500), 2)), (later, sequence));
            }
            else if (roll < 18)
            {
                // velocity: 12 transactions within 30 s.
                velocity++;
                for (var k = 0; k < 12; k++)
                {
                    var at = time + (k * 2_500);
                    scheduled.Enqueue(Next(account, at, Amount()), (at, sequence));
                }
            }
            else if (roll < 26)
            {
                // spike: far above what the account usually spends.
                spike++;
                result.Add(Next(account, time, Math.Round(Amount() * random.Next(20, 50), 2)));
            }
            else if (roll < 31)
            {
                late++;
                result.Add(Next(account, time - random.Next(30_000, 120_000), Amount()));
            }
            else
            {
                result.Add(Next(account, time - random.Next(0, 3_000), Amount()));
            }
        }

        return (result, new InjectedFraud(smallThenLarge, velocity, spike, late));

        double Amount() => Math.Round(Math.Clamp(Math.Exp(Math.Log(40) + (0.8 * Gaussian())), 1.00, 3_000), 2);

        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        Transaction Next(string account, long at, double amount)
        {
            sequence++;
            var number = int.Parse(account.AsSpan(5), CultureInfo.InvariantCulture);
            return Transaction.Create(
                string.Create(CultureInfo.InvariantCulture, $"tx-{sequence:D9}"),
                account,
                at,
                amount,
                string.Create(CultureInfo.InvariantCulture, $"merchant-{random.Next(500):D3}"),
                Countries[number % 7 == 0 ? random.Next(Countries.Length) : number % Countries.Length],
                string.Create(CultureInfo.InvariantCulture, $"card-{(number * 7919L) + (number % 3 == 0 ? random.Next(2) : 0):D8}"));
        }
    }

    private static readonly string[] Countries = ["NL", "DE", "FR", "GB", "US", "ES", "IT", "PL", "SE", "BR"];

    private static string Account(int index) => string.Create(CultureInfo.InvariantCulture, $"acct-{index:D6}");
}
