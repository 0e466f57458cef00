using System.Reflection;
using ActorFlow.Operators;

namespace ActorFlow.Docs.Tests.Operators;

/// <summary>The host contract of docs/operators.md is a copy of real interfaces: the copy must say what they declare.</summary>
public sealed class HostContractSnippetSpec
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    /// <summary>Verify that each documented host interface declares the members, type parameters and bases of the real one.</summary>
    [Fact]
    public void A_documented_host_interface_must_declare_what_the_real_interface_declares()
    {
        var documented = typeof(HostContract.IKeyedOperator).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(HostContract.IKeyedOperator).Namespace)
            .ToList();
        Assert.Equal(4, documented.Count);

        foreach (var copy in documented)
        {
            var real = typeof(IKeyedOperator).Assembly.GetType($"{typeof(IKeyedOperator).Namespace}.{copy.Name}", throwOnError: true)!;
            Assert.Equal(Describe(real), Describe(copy));
        }
    }

    private static List<string> Describe(Type type)
    {
        var lines = new List<string>
        {
            Name(type) + string.Concat(type.GetGenericArguments().Select(a => $" {a.Name}:{a.GenericParameterAttributes & GenericParameterAttributes.VarianceMask}")),
        };
        lines.AddRange(type.GetInterfaces().Select(i => ": " + Name(i)).Order(StringComparer.Ordinal));
        lines.AddRange(type.GetMethods(Declared)
            .Select(m => $"{(m.IsAbstract ? "abstract" : "default")} {Name(m.ReturnType)} {m.Name}" +
                $"<{string.Join(",", m.GetGenericArguments().Select(Name))}>" +
                $"({string.Join(", ", m.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"))})")
            .Order(StringComparer.Ordinal));
        return lines;
    }

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(",", type.GetGenericArguments().Select(Name))}>";
    }
}
