using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace RingIpc.Tests.Calls;

/// <summary>The end-to-end example's native library (tests/RingPeer/Calls/scanner.c), built once per run for each
/// bitness with <c>gcc -m32 -shared</c> / <c>-m64</c> (gcc-multilib: eng/install-test-deps.sh).</summary>
internal static class NativeScannerLibrary
{
    private static readonly Lazy<string> Folder32 = new(() => Build(32));
    private static readonly Lazy<string> Folder64 = new(() => Build(64));

    /// <summary>The folder holding libscanner.so for <paramref name="bits"/>: put it on LD_LIBRARY_PATH.</summary>
    public static string FolderFor(int bits) => bits == 32 ? Folder32.Value : Folder64.Value;

    private static string Build(int bits)
    {
        string source = typeof(NativeScannerLibrary).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ScannerSource").Value!;
        string folder = Path.Combine(Path.GetTempPath(), $"ringipc-scanner{bits}-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        string library = Path.Combine(folder, "libscanner.so");
        var info = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { $"-m{bits}", "-O2", "-shared", "-fPIC", "-o", library, source })
        {
            info.ArgumentList.Add(argument);
        }

        using Process gcc = Process.Start(info)!;
        string errors = gcc.StandardError.ReadToEnd();
        Assert.True(gcc.WaitForExit(60_000), "gcc did not finish within 60 s");
        Assert.True(gcc.ExitCode == 0, $"gcc -m{bits} failed (gcc-multilib missing? eng/install-test-deps.sh installs it):\n{errors}");
        return folder;
    }
}
