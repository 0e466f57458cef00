using ActorFlow.Avro.CodeGen;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Avro.Tests.CodeGen;

public sealed class AvroCodeGeneratorSpec
{
    private static readonly string SchemaDirectory = Path.Combine(AppContext.BaseDirectory, "Schemas");

    /// <summary>Verify that the committed test records are exactly what the generator makes from Schemas/*.avsc (the workflow is reproducible).</summary>
    [Fact]
    public void The_committed_records_must_be_what_the_generator_makes()
    {
        using var output = new TempDirectory("actorflow-codegen");
        var files = AvroCodeGenerator.Generate(
            new[] { "transaction.avsc", "all_types.avsc", "account_v2.avsc", "fast_types.avsc", "wall_clock.avsc", "signal.avsc", "tagged.avsc", "shapes.avsc" }.Select(f => Path.Combine(SchemaDirectory, f)),
            output.Path);
        var committed = Path.Combine(ProjectDirectory(), "Records");

        Assert.Equal(["Account.cs", "Address.cs", "AllTypes.cs", "Amount.cs", "Color.cs", "Digest.cs", "FastTypes.cs", "Hash.cs", "Item.cs", "Level.cs", "Md5.cs", "Mood.cs", "Place.cs", "Shapes.cs", "Signal.cs", "Tagged.cs", "Tone.cs", "Transaction.cs", "WallClock.cs"], files);
        Assert.Equal(files, Directory.GetFiles(committed, "*.cs").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(committed, file)), File.ReadAllText(Path.Combine(output.Path, file)));
        }
    }

    /// <summary>Verify that generated code qualifies Apache.Avro's types, so it compiles in a namespace that ends in ".Avro".</summary>
    [Fact]
    public void Generated_code_must_qualify_Apache_Avro_types()
    {
        var sources = AvroCodeGenerator.GenerateSources(["""{"type":"record","name":"P","namespace":"Shop.Avro","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}]}"""]);

        var code = Assert.Single(sources).Value;
        Assert.Contains("global::Avro.AvroDecimal", code, StringComparison.Ordinal);
        Assert.DoesNotContain(" Avro.AvroDecimal", code, StringComparison.Ordinal);
        Assert.Contains("namespace Shop.Avro", code, StringComparison.Ordinal);
    }

    private static string ProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorFlow.Avro.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("tests/ActorFlow.Avro.Tests not found above " + AppContext.BaseDirectory);
    }
}
