namespace ActorFlow.Operators.Tests;

public sealed class OutputTagSpec
{
    /// <summary>Verify that a host reading a side-output record with a tag of the wrong element type gets a clear exception naming both types.</summary>
    [Fact]
    public void An_OutputTag_must_refuse_a_record_of_another_type()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OutputTags.LateData<string>().ReadValue(5L));
        Assert.Contains("'late-data'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("System.String", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a host reading a side-output record with the right tag gets the record (null included for reference types).</summary>
    [Fact]
    public void An_OutputTag_must_read_a_record_of_its_type()
    {
        Assert.Equal(5L, OutputTags.LateData<long>().ReadValue(5L));
        Assert.Null(OutputTags.LateData<string?>().ReadValue(null));
    }
}
