namespace ActorFlow.Avro.Compatibility;

/// <summary>One reason a reader schema cannot read data of a writer schema.</summary>
/// <param name="Path">Where in the schema, e.g. <c>/fields/amount/type</c> (<c>/</c> for the root).</param>
/// <param name="Rule">The Avro resolution rule that breaks (see <see cref="ResolutionRule"/>).</param>
/// <param name="Description">What breaks the rule, naming the field, symbol or type.</param>
public sealed record SchemaIncompatibility(string Path, string Rule, string Description)
{
    /// <summary>Returns <c>{rule} at {path}: {description}</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Rule} at {Path}: {Description}";
}

/// <summary>The names of the Avro schema resolution rules the checker reports (the Avro specification, "Schema Resolution").</summary>
public static class ResolutionRule
{
    /// <summary>The reader's type neither equals the writer's nor is a permitted promotion of it.</summary>
    public const string TypeMismatch = "TYPE_MISMATCH";

    /// <summary>The writer's and reader's named types (record, enum, fixed) have different full names and no alias joins them.</summary>
    public const string NameMismatch = "NAME_MISMATCH";

    /// <summary>A field of the reader's record is missing from the writer's and has no default.</summary>
    public const string ReaderFieldMissingDefault = "READER_FIELD_MISSING_DEFAULT_VALUE";

    /// <summary>A symbol of the writer's enum is missing from the reader's, which has no default symbol.</summary>
    public const string MissingEnumSymbols = "MISSING_ENUM_SYMBOLS";

    /// <summary>The writer's and reader's fixed types have different sizes.</summary>
    public const string FixedSizeMismatch = "FIXED_SIZE_MISMATCH";

    /// <summary>A field of the reader's record matches several fields of the writer's, by its name and its aliases (Java's checker fails on it, and Confluent's registry answers the pair incompatible).</summary>
    public const string AmbiguousField = "AMBIGUOUS_FIELD";

    /// <summary>A branch of the writer's union, or the writer's type, matches no branch of the reader's union (a reader that is not a union reports each unreadable writer branch under the rule it breaks).</summary>
    public const string MissingUnionBranch = "MISSING_UNION_BRANCH";
}
