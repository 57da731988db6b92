using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using Xunit;

namespace RingIpc.Tests;

/// <summary>A real child process running RingIpc.Peer (see tests/RingPeer), killed if still running at dispose.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    /// <summary>Starts the 64-bit .NET 10 peer.</summary>
    public static PeerProcess Start(params string[] arguments) => StartProgram("RingIpc.Peer.dll", arguments);

    /// <summary>Starts the 64-bit .NET 10 peer armed to stop at a crash point: <paramref name="crashAt"/> is the value of
    /// <c>RINGIPC_TEST_CRASH_AT</c> (<c>point[:n]</c>, see src/Ring/Rings/CrashPoints.cs), or null for an unarmed peer.</summary>
    public static PeerProcess StartArmed(string? crashAt, params string[] arguments) =>
        Start(DotnetHost, Path.Combine(AppContext.BaseDirectory, "RingIpc.Peer.dll"), arguments,
            crashAt is null ? null : new Dictionary<string, string> { ["RINGIPC_TEST_CRASH_AT"] = crashAt });

    /// <summary>Starts the 64-bit (<paramref name="bits"/> 64) or the 32-bit (32) peer with extra environment variables.</summary>
    public static PeerProcess StartWith(int bits, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        bits == 32
            ? Start(Metadata("Mono32"), Peer32Path(), arguments, environment)
            : Start(DotnetHost, Path.Combine(AppContext.BaseDirectory, "RingIpc.Peer.dll"), arguments, environment);

    /// <summary>Starts a .NET 10 program that the test project references (its assembly lies beside the tests).</summary>
    public static PeerProcess StartProgram(string assemblyFileName, params string[] arguments) =>
        Start(DotnetHost, Path.Combine(AppContext.BaseDirectory, assemblyFileName), arguments);

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>Starts the net472 peer in a real 32-bit Mono process (installed by eng/install-test-deps.sh).</summary>
    public static PeerProcess Start32(params string[] arguments) => Start(Metadata("Mono32"), Peer32Path(), arguments);

    /// <summary>Where the 32-bit Mono launcher and the net472 peer are (for tests that start them themselves).</summary>
    internal static (string Mono32, string Peer32) Paths32 => (Metadata("Mono32"), Peer32Path());

    /// <summary>The net472 peer, checking that the 32-bit Mono that runs it is installed.</summary>
    private static string Peer32Path()
    {
        Assert.True(Directory.Exists("/opt/ringipc/mono32") || Environment.GetEnvironmentVariable("RINGIPC_MONO32_DIR") is not null,
            "The 32-bit Mono runtime is missing: run eng/install-test-deps.sh (eng/test.sh does).");
        return Metadata("Peer32");
    }

    /// <summary>Whether the 32-bit Mono runs under qemu-i386 (a kernel that cannot execute i386 programs:
    /// eng/install-mono32.sh). qemu-user 7.2 implements no <c>futex_waitv</c>, so the async waiter of a 32-bit
    /// process falls back to polling there.</summary>
    public static bool Mono32IsEmulated
    {
        get
        {
            string dir = Environment.GetEnvironmentVariable("RINGIPC_MONO32_DIR") ?? "/opt/ringipc/mono32";
            string launcher = Path.Combine(dir, ".ringipc-mono32-launcher");
            return File.Exists(launcher) && File.ReadAllText(launcher).Trim().Length != 0;
        }
    }

    private static PeerProcess Start(string host, string peer, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(peer), $"peer executable missing: {peer}");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(peer);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable.Key] = variable.Value;
        }

        var process = new Process { StartInfo = info };
        var peerProcess = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => peerProcess.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peerProcess.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peerProcess;
    }

    /// <summary>Waits for the process to exit successfully and returns its output.</summary>
    public string WaitForSuccess(TimeSpan timeout)
    {
        bool exited = _process.WaitForExit((int)timeout.TotalMilliseconds);
        if (exited)
        {
            _process.WaitForExit(); // flushes the asynchronous output readers
        }

        string output = Output;
        Assert.True(exited, $"peer did not finish within {timeout}; output so far:\n{output}");
        Assert.True(_process.ExitCode == 0, $"peer exited with {_process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit (killing it if it does not) and says how it ended.</summary>
    public bool TryWaitForExit(TimeSpan timeout, out int exitCode)
    {
        bool exited = _process.WaitForExit((int)timeout.TotalMilliseconds);
        if (!exited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(); // flushes the asynchronous output readers
        exitCode = _process.ExitCode;
        return exited;
    }

    /// <summary>Waits until the process has printed <paramref name="text"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < timeout && !_process.HasExited, $"peer did not print '{text}' within {timeout}; output:\n{Output}");
            Thread.Sleep(10);
        }
    }

    /// <summary>SIGKILL: the process dies without running any cleanup.</summary>
    public void Kill()
    {
        _process.Kill();
        Assert.True(_process.WaitForExit(10_000), "the killed peer did not exit");
        _process.WaitForExit(); // flushes the asynchronous output readers: Output is then all it printed
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        _process.Dispose();
    }

    private static string Metadata(string key) =>
        typeof(PeerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
