namespace ActorFlow.Docs.Tests;

/// <summary>
/// The docs cannot rot: every ```csharp block of README.md and docs/*.md must be a verbatim copy (after removing
/// common indentation) of a <c>// begin-snippet: name</c> … <c>// end-snippet</c> region of this project, which
/// compiles against the real API, and every region must be quoted by some block.
/// </summary>
public sealed class DocSnippetsSpec
{
    private static readonly string Root = DocSnippets.FindRepositoryRoot(AppContext.BaseDirectory);

    /// <summary>Verify that every C# block of the docs is a copy of a compiled snippet region, and every region is quoted.</summary>
    [Fact]
    public void A_csharp_block_of_the_docs_must_be_a_copy_of_a_compiled_snippet()
    {
        var blocks = DocSnippets.MarkdownFiles(Root)
            .SelectMany(f => DocSnippets.ReadCSharpBlocks(f, File.ReadAllText(Path.Combine(Root, f))))
            .ToList();
        var regions = DocSnippets.SnippetSourceFiles(Root)
            .SelectMany(f => DocSnippets.ReadRegions(f, File.ReadAllText(Path.Combine(Root, f))))
            .ToList();

        Assert.NotEmpty(blocks);
        var failures = DocSnippets.Check(blocks, regions);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Verify that a block matching no region is reported with its file, its line and the closest region.</summary>
    [Fact]
    public void A_block_matching_no_region_must_be_reported_with_its_line_and_the_closest_snippet()
    {
        var blocks = DocSnippets.ReadCSharpBlocks("docs/x.md", "# X\n\ntext\n```csharp\nvar a = 1;\nvar b = 3;\n```\n");
        SnippetRegion[] regions =
        [
            new("far", "F.cs", 5, ["Console.WriteLine();"]),
            new("near", "N.cs", 9, ["var a = 1;", "var b = 2;"]),
        ];

        var failure = Assert.Single(DocSnippets.Check(blocks, regions), f => f.StartsWith("docs/", StringComparison.Ordinal));

        Assert.StartsWith("docs/x.md:4: ", failure, StringComparison.Ordinal);
        Assert.Contains("closest: 'near' (N.cs:9)", failure, StringComparison.Ordinal);
        Assert.Contains("doc:     var b = 3;", failure, StringComparison.Ordinal);
        Assert.Contains("snippet: var b = 2;", failure, StringComparison.Ordinal);
    }

    /// <summary>Verify that a region no block quotes is reported, naming its file and line.</summary>
    [Fact]
    public void A_snippet_region_no_block_quotes_must_be_reported()
    {
        var regions = DocSnippets.ReadRegions("S.cs", "class S\n{\n    // begin-snippet: lonely\n    int x;\n    // end-snippet\n}\n");

        var failure = Assert.Single(DocSnippets.Check([], regions));

        Assert.StartsWith("S.cs:3: snippet 'lonely' is not quoted", failure, StringComparison.Ordinal);
    }

    /// <summary>Verify that a block indented in a list item matches its region once the common indentation is removed.</summary>
    [Fact]
    public void An_indented_block_must_match_its_region_after_removing_common_indentation()
    {
        var blocks = DocSnippets.ReadCSharpBlocks("d.md", "- item:\n  ```csharp\n  if (x)\n      y();\n  ```\n");
        var regions = DocSnippets.ReadRegions("S.cs", "void M()\n{\n        // begin-snippet: s\n        if (x)\n            y();   \n        // end-snippet\n}\n");

        Assert.Empty(DocSnippets.Check(blocks, regions));
        Assert.Equal(["if (x)", "    y();"], Assert.Single(blocks).Lines);
    }

    /// <summary>Verify that blocks of other languages, and fences inside them, are not taken for C# blocks.</summary>
    [Fact]
    public void A_block_of_another_language_must_not_be_read_as_csharp()
    {
        var blocks = DocSnippets.ReadCSharpBlocks("d.md", "````markdown\n```csharp\nnot this\n```\n````\n```hocon\na = 1\n```\n```cs\nthis\n```\n");

        var block = Assert.Single(blocks);
        Assert.Equal(9, block.Line);
        Assert.Equal(["this"], block.Lines);
    }

    /// <summary>Verify that a region that is never closed, or nested in another, fails naming its file and line.</summary>
    [Fact]
    public void A_malformed_snippet_region_must_fail_naming_its_file_and_line()
    {
        var unclosed = Assert.Throws<InvalidDataException>(() => DocSnippets.ReadRegions("S.cs", "a\n// begin-snippet: open\nb\n"));
        var nested = Assert.Throws<InvalidDataException>(() => DocSnippets.ReadRegions("S.cs", "// begin-snippet: a\n// begin-snippet: b\n// end-snippet\n"));

        Assert.StartsWith("S.cs:2: snippet 'open' is never closed", unclosed.Message, StringComparison.Ordinal);
        Assert.StartsWith("S.cs:2: snippet 'b' begins inside 'a'", nested.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a snippet name used by two regions is reported.</summary>
    [Fact]
    public void A_snippet_name_defined_twice_must_be_reported()
    {
        SnippetRegion[] regions = [new("s", "A.cs", 1, ["x"]), new("s", "B.cs", 2, ["x"])];
        var blocks = DocSnippets.ReadCSharpBlocks("d.md", "```csharp\nx\n```\n");

        Assert.Contains(DocSnippets.Check(blocks, regions), f => f == "snippet 's' is defined more than once: A.cs:1, B.cs:2");
    }
}
