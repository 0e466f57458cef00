namespace ActorFlow.TestKit.Tests.Assertions;

public sealed class OutputAssertSpec
{
    /// <summary>Verify that Equivalent accepts the same records in another order.</summary>
    [Fact]
    public void Equivalent_must_ignore_order() => OutputAssert.Equivalent(["a", "b", "b"], ["b", "a", "b"]);

    /// <summary>Verify that Equivalent names what is missing, what is not expected and what came more often than expected.</summary>
    [Fact]
    public void Equivalent_must_list_missing_extra_and_repeated_records()
    {
        var error = Assert.Throws<OutputMismatchException>(() => OutputAssert.Equivalent(["a", "b", "c"], ["b", "b", "c", "x"]));

        Assert.Contains("4 records, 3 expected", error.Message, StringComparison.Ordinal);
        Assert.Contains("Missing: 1: \"a\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("Not expected: 1: \"x\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("More often than expected: 1: \"b\"", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that Ordered names the first differing position with the records around it.</summary>
    [Fact]
    public void Ordered_must_show_the_first_difference()
    {
        var error = Assert.Throws<OutputMismatchException>(() => OutputAssert.Ordered([1, 2, 3, 4], [1, 2, 4, 3]));

        Assert.Contains("at position 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected from 0: 1, 2, → 3, 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("Actual from 0:   1, 2, → 4, 3", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that Ordered fails when the output is a prefix of what was expected, pointing at its end.</summary>
    [Fact]
    public void Ordered_must_fail_on_a_shorter_output()
    {
        OutputAssert.Ordered([1, 2], [1, 2]);
        var error = Assert.Throws<OutputMismatchException>(() => OutputAssert.Ordered([1, 2, 3], [1, 2]));

        Assert.Contains("at position 2 (2 records, 3 expected)", error.Message, StringComparison.Ordinal);
        Assert.Contains("→ (end)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that Latest keeps the last record per key, as an upsert table.</summary>
    [Fact]
    public void Latest_must_keep_the_last_record_per_key()
    {
        var table = OutputAssert.Latest(["a|1", "b|1", "a|2"], r => r.Split('|')[0]);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "a|2", ["b"] = "b|1" }, table);
    }
}
