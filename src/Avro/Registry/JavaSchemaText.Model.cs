using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Registry;

/// <summary>The parsed schema, as Avro Java's <c>Schema</c> classes hold what <see cref="JavaSchemaText"/> writes.</summary>
internal static partial class JavaSchemaText
{
    /// <summary>Java's Schema.Name: a name and its namespace (null for none).</summary>
    private sealed record Name
    {
        public Name(string name, string? space)
        {
            var dot = name.LastIndexOf('.');
            if (dot >= 0)
            {
                space = name[..dot];
                name = name[(dot + 1)..];
            }

            Short = name;
            Space = space is "" ? null : space;
        }

        public string Short { get; }

        public string? Space { get; }

        public string Full => Space is null ? Short : Space + "." + Short;

        // The short name inside its own namespace, unless that name is a type's name.
        public string Qualified(string? defaultSpace) => Space is not null && Space == defaultSpace && !TypeNames.Contains(Short) ? Short : Full;
    }

    /// <summary>Java's Schema.Names: the named types known so far and the enclosing namespace.</summary>
    private sealed class Scope
    {
        private readonly Dictionary<string, Named> _types = [];

        public string? Space { get; set; }

        public HashSet<string> Written { get; } = [];

        public void Add(Named named)
        {
            if (!_types.TryAdd(named.Name.Full, named))
            {
                throw new FormatException($"Can't redefine: {named.Name.Full}");
            }
        }

        public Schema? Find(Name name) => _types.GetValueOrDefault(name.Full);

        public Schema? Get(string name) =>
            Primitives.Contains(name) ? new Primitive(name) : Find(new Name(name, Space)) ?? Find(new Name(name, null));
    }

    private abstract class Schema
    {
        public List<KeyValuePair<string, JsonNode?>> Props { get; } = [];
    }

    private sealed class Primitive(string type) : Schema
    {
        public string Type => type;
    }

    private sealed class Container(string type, Schema element) : Schema
    {
        public string Type => type;

        public Schema Element => element;
    }

    private sealed class Union(List<Schema> branches) : Schema
    {
        public List<Schema> Branches => branches;
    }

    private sealed class Named(string type, Name name, string? doc) : Schema
    {
        public string Type => type;

        public Name Name => name;

        public string? Doc => doc;

        public List<Name> Aliases { get; } = [];

        public List<Field>? Fields { get; set; }

        public List<string>? Symbols { get; set; }

        public string? EnumDefault { get; set; }

        public int Size { get; set; }
    }

    private sealed class Field(string name, Schema schema, string? doc, bool hasDefault, JsonNode? @default, string order)
    {
        public string Name => name;

        public Schema Schema => schema;

        public string? Doc => doc;

        public bool HasDefault => hasDefault;

        public JsonNode? Default => @default;

        public string Order => order;

        public List<string> Aliases { get; } = [];

        public List<KeyValuePair<string, JsonNode?>> Props { get; } = [];
    }
}
