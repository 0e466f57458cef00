using System.Globalization;
using DuckDB.NET.Data;

namespace ActorFlow.Parquet.Tests;

/// <summary>Reads landed files back with an independent reader (DuckDB), as a user's query would.</summary>
internal static class DuckDb
{
    /// <summary>Rows of <paramref name="sql"/> as lists of values (DBNull as null).</summary>
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The single value of <paramref name="sql"/>.</summary>
    public static object? Scalar(string sql) => Query(sql).Single()[0];

    /// <summary><c>read_parquet</c> over every final file under <paramref name="directory"/>, Hive partitions and union by name on.</summary>
    public static string Files(string directory) =>
        string.Create(CultureInfo.InvariantCulture, $"read_parquet('{directory}/**/*.parquet', hive_partitioning = true, union_by_name = true)");

    /// <summary>Column name → DuckDB type of <paramref name="from"/>.</summary>
    public static Dictionary<string, string> Types(string from) =>
        Query($"DESCRIBE SELECT * FROM {from}").ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
}
