using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// One package gives the library and the generator: <c>dotnet pack</c> of src/Ring (from a copy of the
/// working tree, so the repository's bin/obj are untouched, plus an internal [SharedLayout] struct to show
/// the library can use the generator itself), then a sample project restores RingIpc
/// from that folder (plus the normal sources), builds for net10.0 and net472, runs, and gets RIPC errors
/// for a bad layout.
/// </summary>
public sealed class PackagingTests
{
    private const string Version = "0.0.0-layouttest";

    [Fact]
    public void Packed_library_carries_the_generator_and_a_sample_builds_from_it()
    {
        string root = Directory.CreateTempSubdirectory("ringipc-pack-").FullName;
        try
        {
            string repository = RepositoryRoot();
            string copy = Path.Combine(root, "repo");
            foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props" })
            {
                File.Copy(Path.Combine(repository, file), Path.Combine(copy, file).EnsureDirectory());
            }
            CopyProject(Path.Combine(repository, "src", "Ring"), Path.Combine(copy, "src", "Ring"));
            CopyProject(Path.Combine(repository, "src", "Layout.Generator"), Path.Combine(copy, "src", "Layout.Generator"));

            // The library can use [SharedLayout] itself (as its ring header will), on net10.0 and net472.
            File.WriteAllText(Path.Combine(copy, "src", "Ring", "Layout", "DogfoodProbe.cs"), """
                namespace RingIpc;

                [SharedLayout(Size = 256, CHeader = true)]
                internal partial struct DogfoodProbe
                {
                    public partial ulong Magic { get; set; }
                    [LayoutOffset(128)]
                    public partial long Tail { get; set; }
                    [FixedString(16)]
                    public partial string Name { get; set; }
                    [FixedArray(4)]
                    public partial int[] Counters { get; set; }
                    public partial SharedHandle Handle { get; set; }
                }
                """);

            string feed = Path.Combine(root, "feed");
            Dotnet(copy, $"pack src/Ring/Ring.csproj -c Release -o \"{feed}\" -p:Version={Version}");
            string package = Path.Combine(feed, $"RingIpc.{Version}.nupkg");
            using (ZipArchive zip = ZipFile.OpenRead(package))
            {
                string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
                Assert.Contains("analyzers/dotnet/cs/RingIpc.Layout.Generator.dll", entries);
                Assert.Contains("lib/net10.0/RingIpc.dll", entries);
                Assert.Contains("lib/net472/RingIpc.dll", entries);
                string nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
                Assert.DoesNotContain("Layout.Generator", nuspec, StringComparison.Ordinal); // not a package dependency
            }

            string sample = Path.Combine(root, "sample");
            WriteSample(sample, feed);
            Dotnet(sample, "build -c Release");
            (int exit, string output) = ProcessRunner.Run(sample, "dotnet", Path.Combine("bin", "Release", "net10.0", "Sample.dll"));
            Assert.True(exit == 0, output);
            Assert.Equal("32 8 True True False True", output.Trim());

            File.WriteAllText(Path.Combine(sample, "Bad.cs"), "using RingIpc;\n[SharedLayout] public partial struct Bad { public partial nint Handle { get; set; } }\n");
            (exit, output) = ProcessRunner.Run(sample, "dotnet", "build -c Release --disable-build-servers -nologo");
            Assert.NotEqual(0, exit);
            Assert.Contains("error RIPC0001", output, StringComparison.Ordinal);
            Assert.Contains("use long, or SharedHandle for OS handles", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteSample(string directory, string feed)
    {
        File.WriteAllText(Path.Combine(directory, "Sample.csproj").EnsureDirectory(), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <!-- net472: the 32-bit peer's framework; there the generator emits no span properties. -->
                <TargetFrameworks>net10.0;net472</TargetFrameworks>
                <LangVersion>13</LangVersion>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(directory, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RingIpc" Version="{Version}" />
                <PackageReference Include="Microsoft.NETFramework.ReferenceAssemblies" Version="1.0.3" PrivateAssets="all" Condition="'$(TargetFramework)' == 'net472'" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="ringipc-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using System;
            using RingIpc;

            Quote quote = default;
            quote.Symbol = "EURUSD";
            Quote copy = quote;
            var flags = new Flags { Bits = [true, false, true], Last = quote };
            var other = new Flags { Bits = [true, false, false], Last = quote };
            Console.WriteLine($"{Quote.Size} {Quote.Offsets.Time} {SharedLayoutInfo.FingerprintOf<Quote>() == Quote.Fingerprint} " +
                $"{quote == copy} {flags.Equals(other)} {flags.GetHashCode() == new Flags { Bits = flags.Bits, Last = copy }.GetHashCode()}");

            // Equality, bool arrays and nested layouts compile for net472 too (Unsafe, MemoryMarshal.Cast from the packages RingIpc brings).
            [SharedLayout]
            partial struct Flags
            {
                [FixedArray(3)]
                public partial bool[] Bits { get; set; }
                public partial Quote Last { get; set; }
            }

            [SharedLayout]
            partial struct Quote
            {
                public partial int Id { get; set; }
                public partial long Time { get; set; }
                public partial double Price { get; set; }
                [FixedString(8)]
                public partial string Symbol { get; set; }
            }
            """);
    }

    private static void CopyProject(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj")
            {
                continue;
            }
            File.Copy(file, Path.Combine(to, relative).EnsureDirectory());
        }
    }

    private static void Dotnet(string directory, string arguments)
    {
        (int exit, string output) = ProcessRunner.Run(directory, "dotnet", arguments + " --disable-build-servers -nologo");
        Assert.True(exit == 0, $"dotnet {arguments} failed:\n{output}");
    }

    /// <summary>The folder with RingIpc.sln above the test binaries (source paths may be mapped in CI builds).</summary>
    private static string RepositoryRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory.TrimEnd(Path.DirectorySeparatorChar)))
        {
            if (File.Exists(Path.Combine(directory, "RingIpc.sln")))
            {
                return directory;
            }
        }
        throw new InvalidOperationException("RingIpc.sln not found above " + AppContext.BaseDirectory);
    }
}

internal static class PathExtensions
{
    /// <summary>Creates the file's directory; returns the path.</summary>
    public static string EnsureDirectory(this string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        return filePath;
    }
}
