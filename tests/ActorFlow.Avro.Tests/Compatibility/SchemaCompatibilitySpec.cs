using ActorFlow.Avro.Compatibility;
using Avro;

namespace ActorFlow.Avro.Tests.Compatibility;

/// <summary>
/// The Avro specification's resolution rules, each accepted and violated at least once in every compatibility mode.
/// Each case is a field <c>f</c> of record <c>R</c> in an old and a new version.
/// </summary>
public sealed class SchemaCompatibilitySpec
{
    private const string Int = "\"int\"";
    private const string Long = "\"long\"";

    public static TheoryData<CompatibilityLevel, string, bool> Cases()
    {
        var data = new TheoryData<CompatibilityLevel, string, bool>();
        foreach (var level in System.Enum.GetValues<CompatibilityLevel>().Where(l => l != CompatibilityLevel.None))
        {
            foreach (var rule in Pairs.Keys)
            {
                data.Add(level, rule, true);
                data.Add(level, rule, false);
            }
        }

        return data;
    }

    /// <summary>Verify that each rule accepts its compatible change and refuses its incompatible one, naming the field and the rule.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_must_be_accepted_and_violated_in_every_mode(CompatibilityLevel level, string rule, bool compatible)
    {
        var direction = level switch
        {
            CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive => 0,
            CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive => 1,
            _ => 2,
        };
        var (oldType, newType) = Pairs[rule][(direction * 2) + (compatible ? 0 : 1)];

        var problems = SchemaCompatibility.CheckLevel(level, Record(newType), [(1, Record(oldType))]);

        if (compatible)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.NotEmpty(problems);
            Assert.Contains(problems, p => p.Contains(rule, StringComparison.Ordinal) && (p.Contains("/fields/f", StringComparison.Ordinal) || p.Contains("'f'", StringComparison.Ordinal)));
        }
    }

    /// <summary>Verify that NONE accepts any change, even an incompatible one.</summary>
    [Fact]
    public void None_must_accept_anything() =>
        Assert.Empty(SchemaCompatibility.CheckLevel(CompatibilityLevel.None, Record("\"string\""), [(1, Record(Int))]));

    /// <summary>Verify that transitive modes check every earlier version while plain modes check only the latest.</summary>
    [Theory]
    [InlineData(CompatibilityLevel.Backward, true)]
    [InlineData(CompatibilityLevel.BackwardTransitive, false)]
    [InlineData(CompatibilityLevel.Forward, true)]
    [InlineData(CompatibilityLevel.ForwardTransitive, false)]
    [InlineData(CompatibilityLevel.Full, true)]
    [InlineData(CompatibilityLevel.FullTransitive, false)]
    public void Transitive_modes_must_check_every_version(CompatibilityLevel level, bool compatible)
    {
        // v3 equals v2, so it is compatible with the latest version in every mode, but v1's field has another type.
        var v1 = Record("\"string\"");
        var v2 = Record(Int);
        var v3 = Record(Int);

        var problems = SchemaCompatibility.CheckLevel(level, v3, [(1, v1), (2, v2)]);

        Assert.Equal(compatible, problems.Count == 0);
        Assert.All(problems, p => Assert.Contains("version 1", p, StringComparison.Ordinal));
    }

    /// <summary>Verify that recursive records are checked without looping.</summary>
    [Fact]
    public void Recursive_records_must_terminate()
    {
        var list = Schema.Parse("""{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}""");
        var wider = Schema.Parse("""{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"],"default":null}]}""");

        Assert.Empty(SchemaCompatibility.Check(wider, list));
        Assert.Contains(SchemaCompatibility.Check(list, wider), i => i.Rule == ResolutionRule.TypeMismatch && i.Path == "/fields/v");
    }

    /// <summary>
    /// Verify that a reader field whose name and alias match two writer fields is incompatible (Java's checker fails on
    /// it and Confluent's registry answers 409), where taking the first match let a schema in that no reader could use.
    /// </summary>
    [Fact]
    public void A_reader_field_matching_two_writer_fields_must_be_incompatible()
    {
        var v1 = Schema.Parse("""{"type":"record","name":"P","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"fullName","type":"string"}]}""");
        var v2 = Schema.Parse("""{"type":"record","name":"P","fields":[{"name":"id","type":"int"},{"name":"name","type":"string","aliases":["fullName"]}]}""");

        var problem = Assert.Single(SchemaCompatibility.Check(v2, v1));
        Assert.Equal(ResolutionRule.AmbiguousField, problem.Rule);
        Assert.Equal("/fields/name", problem.Path);
        Assert.Contains("name, fullName", problem.Description, StringComparison.Ordinal);
        Assert.Contains(ResolutionRule.AmbiguousField, Assert.Single(SchemaCompatibility.CheckLevel(CompatibilityLevel.Backward, v2, [(1, v1)])), StringComparison.Ordinal);
    }

    // Per rule: (old, new) field types for backward accept/violate, forward accept/violate, full accept/violate.
    private static readonly Dictionary<string, (string Old, string New)[]> Pairs = new()
    {
        [ResolutionRule.TypeMismatch] =
        [
            (Int, Long), (Long, Int),
            (Long, Int), (Int, Long),
            ("\"string\"", "\"bytes\""), (Int, "\"string\""),
        ],
        [ResolutionRule.NameMismatch] =
        [
            (Named("A"), Named("B", "A")), (Named("A"), Named("B")),
            (Named("A", "B"), Named("B")), (Named("A"), Named("B")),
            (Named("A", "B"), Named("B", "A")), (Named("A"), Named("B")),
        ],
        [ResolutionRule.ReaderFieldMissingDefault] =
        [
            (Inner("[]"), Inner("""[{"name":"x","type":"int","default":1}]""")), (Inner("[]"), Inner("""[{"name":"x","type":"int"}]""")),
            (Inner("""[{"name":"x","type":"int","default":1}]"""), Inner("[]")), (Inner("""[{"name":"x","type":"int"}]"""), Inner("[]")),
            (Inner("[]"), Inner("""[{"name":"x","type":"int","default":1}]""")), (Inner("[]"), Inner("""[{"name":"x","type":"int"}]""")),
        ],
        [ResolutionRule.MissingEnumSymbols] =
        [
            (Enum("\"X\",\"Y\""), Enum("\"X\",\"Y\",\"Z\"")), (Enum("\"X\",\"Y\""), Enum("\"X\"")),
            (Enum("\"X\",\"Y\""), Enum("\"X\"")), (Enum("\"X\",\"Y\""), Enum("\"X\",\"Y\",\"Z\"")),
            (Enum("\"X\",\"Y\"", "X"), Enum("\"X\",\"Y\",\"Z\"")), (Enum("\"X\",\"Y\""), Enum("\"X\",\"Y\",\"Z\"")),
        ],
        [ResolutionRule.FixedSizeMismatch] =
        [
            (Fixed(8), Fixed(8)), (Fixed(8), Fixed(16)),
            (Fixed(8), Fixed(8)), (Fixed(8), Fixed(16)),
            (Fixed(8), Fixed(8)), (Fixed(8), Fixed(16)),
        ],
        [ResolutionRule.MissingUnionBranch] =
        [
            ("[\"null\",\"string\"]", "[\"null\",\"string\",\"int\"]"), ("[\"null\",\"string\",\"int\"]", "[\"null\",\"string\"]"),
            ("[\"null\",\"string\",\"int\"]", "[\"null\",\"string\"]"), ("[\"null\",\"string\"]", "[\"null\",\"string\",\"int\"]"),
            ("[\"null\",\"string\"]", "[\"string\",\"null\"]"), ("[\"null\",\"string\",\"int\"]", "[\"null\",\"string\"]"),
        ],
    };

    private static Schema Record(string fieldType) =>
        Schema.Parse($$"""{"type":"record","name":"R","fields":[{"name":"f","type":{{fieldType}}}]}""");

    private static string Named(string name, string? alias = null) =>
        alias is null
            ? $$"""{"type":"record","name":"{{name}}","fields":[]}"""
            : $$"""{"type":"record","name":"{{name}}","aliases":["{{alias}}"],"fields":[]}""";

    private static string Inner(string fields) => $$"""{"type":"record","name":"Inner","fields":{{fields}}}""";

    private static string Enum(string symbols, string? defaultSymbol = null) =>
        defaultSymbol is null
            ? $$"""{"type":"enum","name":"E","symbols":[{{symbols}}]}"""
            : $$"""{"type":"enum","name":"E","symbols":[{{symbols}}],"default":"{{defaultSymbol}}"}""";

    private static string Fixed(int size) => $$"""{"type":"fixed","name":"F","size":{{size}}}""";
}
