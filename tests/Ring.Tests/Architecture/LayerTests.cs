using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace RingIpc.Tests.Architecture;

/// <summary>
/// The folders of src/Ring are layers, and a dependency never runs backwards:
/// <c>Rings → Signaling, Sections, Atomics, Interop, Layout</c>; <c>Signaling → Atomics, Interop</c> (it knows no
/// ring); <c>Sections → Interop</c>; <c>Atomics</c>, <c>Interop</c> and <c>Layout</c> depend on no other layer.
/// A file depends on a layer when its code (comments and strings aside) names a type declared there.
/// </summary>
public class LayerTests
{
    /// <summary>What each layer may use besides itself.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Calls"] = new[] { "Rings", "Signaling", "Sections", "Atomics", "Interop", "Layout" },
        ["Rings"] = new[] { "Signaling", "Sections", "Atomics", "Interop", "Layout" },
        ["Signaling"] = new[] { "Atomics", "Interop" },
        ["Sections"] = new[] { "Interop" },
        ["Atomics"] = Array.Empty<string>(),
        ["Interop"] = Array.Empty<string>(),
        ["Layout"] = Array.Empty<string>(),
    };

    [Fact]
    public void No_dependency_of_the_library_runs_against_its_layers()
    {
        string library = Path.Combine(RepositoryRoot(), "src", "Ring");
        var files = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                           !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => new SourceFile(LayerOf(library, path), Path.GetRelativePath(library, path), File.ReadAllText(path)))
            .ToList();

        Assert.Equal(Allowed.Keys.OrderBy(k => k), files.Select(f => f.Layer).Distinct().OrderBy(k => k));
        Assert.Empty(Violations(files));
    }

    [Fact]
    public void The_check_reports_a_dependency_that_runs_backwards()
    {
        var files = new[]
        {
            new SourceFile("Rings", "Rings/Ring.cs", "internal sealed class Ring { SharedEvent? _event; }"),
            new SourceFile("Signaling", "Signaling/SharedEvent.cs", "/* a Ring */ internal class SharedEvent { string s = \"Ring\"; Ring? _ring; }"),
            new SourceFile("Interop", "Interop/Futex.cs", "internal static class Futex { }"),
        };

        Assert.Equal(new[] { "Signaling/SharedEvent.cs uses Ring (Rings)" }, Violations(files));
    }

    internal static List<string> Violations(IReadOnlyList<SourceFile> files)
    {
        var declaredIn = new Dictionary<string, string>();
        var duplicates = new List<string>();
        foreach (SourceFile file in files)
        {
            foreach (Match match in Declaration.Matches(file.Code))
            {
                string type = match.Groups["name"].Value;
                if (declaredIn.TryGetValue(type, out string? other) && other != file.Layer)
                {
                    duplicates.Add($"{type} is declared in {other} and {file.Layer}");
                }

                declaredIn[type] = file.Layer;
            }
        }

        var violations = new List<string>(duplicates);
        foreach (SourceFile file in files)
        {
            foreach (string name in Identifier.Matches(file.Code).Select(m => m.Value).Distinct())
            {
                if (declaredIn.TryGetValue(name, out string? layer) && layer != file.Layer && !Allowed[file.Layer].Contains(layer))
                {
                    violations.Add($"{file.Path.Replace('\\', '/')} uses {name} ({layer})");
                }
            }
        }

        return violations;
    }

    private static readonly Regex Declaration = new(@"\b(?:class|struct|interface|enum|record)\s+(?<name>[A-Za-z_]\w*)|\bdelegate\s+[\w<>\[\],.?\s]+?\s(?<name>[A-Za-z_]\w*)\s*\(");

    private static readonly Regex Identifier = new(@"\b[A-Za-z_]\w*\b");

    private static string LayerOf(string library, string path)
    {
        string relative = Path.GetRelativePath(library, path);
        int separator = relative.IndexOfAny(new[] { '/', '\\' });
        return separator < 0 ? Path.GetFileNameWithoutExtension(relative) : relative.Substring(0, separator);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RingIpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("RingIpc.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A source file's layer, its path for messages, and its code without comments, strings and characters.</summary>
    internal sealed class SourceFile
    {
        public SourceFile(string layer, string path, string text)
        {
            Layer = layer;
            Path = path;
            Code = StripCommentsAndLiterals(text);
        }

        public string Layer { get; }

        public string Path { get; }

        public string Code { get; }

        private static string StripCommentsAndLiterals(string text)
        {
            var code = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                char next = i + 1 < text.Length ? text[i + 1] : '\0';
                if (c == '/' && next == '/')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }

                    code.Append('\n');
                }
                else if (c == '/' && next == '*')
                {
                    int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? text.Length : end + 1;
                    code.Append(' ');
                }
                else if (c == '"' || c == '\'')
                {
                    bool verbatim = i > 0 && text[i - 1] == '@';
                    for (i++; i < text.Length && text[i] != c; i++)
                    {
                        if (text[i] == '\\' && !verbatim)
                        {
                            i++;
                        }
                    }

                    code.Append(' ');
                }
                else
                {
                    code.Append(c);
                }
            }

            return code.ToString();
        }
    }
}
