using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RingIpc.Peer.Calls;
using Xunit;

namespace RingIpc.Tests.Calls;

/// <summary>
/// The end-to-end example, across real processes of both bitnesses: a 64-bit client calls a 32-bit host (the net472
/// peer under the i386 Mono) that serves a 32-bit native library built here with <c>gcc -m32 -shared</c>, and a
/// 32-bit client calls a 64-bit host of the 64-bit build — generated proxies and dispatchers (<see cref="ILegacyScanner"/>),
/// structs, byte payloads, remote errors, cancellation, and processes killed mid-call.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class CrossProcessCallTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HostStart = TimeSpan.FromSeconds(90); // Mono under qemu-i386 starts slowly

    [Fact]
    public async Task A_64_bit_client_calls_a_32_bit_host_serving_a_32_bit_native_library()
    {
        using var name = new TempName("call-x32-host");
        using CallHost host = LaunchHost(32, name);
        Assert.Equal(host.Process.Id, host.Client.ServerProcessId);
        var scanner = new LegacyScannerProxy(host.Client);
        IReadOnlyList<string> report = await ScannerScript.RunAsync(scanner, libraryPointerSize: 4);
        Assert.Contains(report, line => line.StartsWith("described:", StringComparison.Ordinal) && line.Contains("32-bit, library 32-bit, client 64-bit", StringComparison.Ordinal));
        Assert.Equal(6, report.Count);
    }

    [Fact]
    public void A_32_bit_client_calls_a_64_bit_host_serving_a_64_bit_native_library()
    {
        using var name = new TempName("call-x64-host");
        using PeerProcess host = PeerProcess.StartWith(64, LibraryPath(64), "scanner-host", name, "120");
        host.WaitForOutput("serving", HostStart);
        using PeerProcess client = PeerProcess.StartWith(32, new Dictionary<string, string>(), "scanner-client", name, "8");
        string output = client.WaitForSuccess(TimeSpan.FromSeconds(120));
        Assert.Contains("64-bit, library 64-bit, client 32-bit", output, StringComparison.Ordinal);
        Assert.Contains("script passed", output, StringComparison.Ordinal);
        host.WaitForOutput("hold of 120000 ms cancelled", Generous);
    }

    [Fact]
    public async Task Killing_the_host_mid_call_fails_the_pending_and_every_later_call_naming_its_process()
    {
        using var name = new TempName("call-host-killed");
        using CallHost host = LaunchHost(32, name);
        var scanner = new LegacyScannerProxy(host.Client);
        Assert.False(await scanner.HoldAsync(1, CancellationToken.None));
        ValueTask<bool> pending = scanner.HoldAsync(120_000, CancellationToken.None);
        await Task.Delay(200);
        int pid = host.Process.Id;
        var clock = Stopwatch.StartNew();
        host.Process.Kill();
        var exited = await Assert.ThrowsAsync<CallServerExitedException>(async () => await pending.AsTask().WaitAsync(Generous));
        Assert.Equal(pid, exited.ProcessId);
        Assert.Contains($"Server process {pid} of endpoint '{name.Name}' exited", exited.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < Generous, $"the death was noticed after {clock.Elapsed}");
        Assert.Throws<CallServerExitedException>(() => scanner.DescribeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_killed_client_process_has_its_pending_call_cancelled_and_its_reply_ring_reclaimed()
    {
        using var name = new TempName("call-client-killed");
        var scanner = new RecordingScanner();
        using var server = CallServer.Start(name, new LegacyScannerDispatcher(scanner));
        using PeerProcess client = PeerProcess.Start("scanner-holding-client", name);
        client.WaitForOutput("holding", HostStart);
        await scanner.HoldStarted.Task.WaitAsync(Generous);
        Assert.Single(CallTests.ReplyRings(name));
        client.Kill();
        Assert.True(await scanner.HoldCancelled.Task.WaitAsync(Generous), "the dead client's call was not cancelled");
        await CallTests.Eventually(() => server.ClientCount == 0 && CallTests.ReplyRings(name).Length == 0);
        CallTests.AssertNoReplyRings(name);
    }

    [Fact]
    public void A_host_launched_tied_exits_when_its_launcher_is_killed()
    {
        using var name = new TempName("call-tied");
        using PeerProcess launcher = PeerProcess.Start("scanner-launcher", name, NativeScannerLibrary.FolderFor(64));
        launcher.WaitForOutput("launched ", HostStart);
        int hostPid = int.Parse(launcher.Output.Split("launched ")[1].Split('\n')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using Process host = Process.GetProcessById(hostPid);
        launcher.Kill();
        Assert.True(host.WaitForExit((int)Generous.TotalMilliseconds), $"the tied host {hostPid} still runs after its launcher was killed");
        Assert.Throws<FileNotFoundException>(() => SharedRing.Open(name));
    }

    [Fact]
    public async Task A_call_that_finds_the_request_ring_full_waits_without_blocking_its_caller_and_ends_by_its_token_or_send_timeout()
    {
        using var name = new TempName("call-ring-full");
        using CallHost host = LaunchHost(64, name);
        using var client = CallClient.Connect(name, LegacyScannerContract.Instance, Generous, new CallClientOptions { SendTimeout = TimeSpan.FromMilliseconds(500) });
        var scanner = new LegacyScannerProxy(client);
        var data = new byte[client.MaxArgumentsLength - 64];
        Assert.Equal(await scanner.ChecksumAsync(data, CancellationToken.None), await scanner.ChecksumAsync(data, CancellationToken.None));

        Signal(host.Process.Id, "STOP"); // the server stops reading: its request ring fills

        // kill(2) returns once the signal is queued; a server thread running on the other core stops a moment later,
        // and could still answer the first call sent meanwhile. Wait until the kernel shows the process stopped.
        KernelWaits.WaitUntil(() => EveryThreadStopped(host.Process.Id), "every thread of the host to be stopped");
        var accepted = new List<Task<uint>>();
        try
        {
            Task<uint> call;
            while (true)
            {
                var returned = Stopwatch.StartNew();
                call = scanner.ChecksumAsync(data, CancellationToken.None).AsTask();
                Assert.True(returned.Elapsed < TimeSpan.FromSeconds(2), "a call blocked its caller while the request ring was full");
                Assert.True(accepted.Count < 100, "the request ring never filled");

                // Still pending after the 500 ms send timeout: it is in the ring, waiting for the stopped server.
                if (await Task.WhenAny(call, Task.Delay(800)) == call)
                {
                    break; // it could not be sent
                }

                accepted.Add(call);
            }

            var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Generous));
            Assert.Contains("had no room for 500 ms", timedOut.Message, StringComparison.Ordinal);

            // A cancelled call ends at once, though its send is still waiting for room (the host's client has the
            // default 10 s send timeout: a caller blocked until room came would show here).
            using var cancel = new CancellationTokenSource();
            var returnedIn = Stopwatch.StartNew();
            Task<uint> cancelled = new LegacyScannerProxy(host.Client).ChecksumAsync(data, cancel.Token).AsTask();
            Assert.True(returnedIn.Elapsed < TimeSpan.FromSeconds(2), "the call blocked its caller");
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Generous));
        }
        finally
        {
            Signal(host.Process.Id, "CONT");
        }

        // The calls that made it into the ring are served once the server runs again, and new calls go through.
        Assert.NotEmpty(accepted);
        await Task.WhenAll(accepted).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(await scanner.ChecksumAsync(data, CancellationToken.None), await accepted[0]);
    }

    /// <summary>Whether every thread of the process is in the stopped state ('T' in its /proc stat).</summary>
    private static bool EveryThreadStopped(int processId) =>
        Directory.EnumerateDirectories($"/proc/{processId}/task")
            .All(task => ProcStat.TryRead(Path.Combine(task, "stat"), out ProcStat stat) && stat.State == 'T');

    private static void Signal(int processId, string signal)
    {
        using Process kill = Process.Start("kill", $"-{signal} {processId}")!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static CallHost LaunchHost(int bits, string endpoint)
    {
        var info = bits == 32
            ? new ProcessStartInfo(PeerProcess.Paths32.Mono32) { ArgumentList = { PeerProcess.Paths32.Peer32 } }
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "RingIpc.Peer.dll") } };
        foreach (string argument in new[] { "scanner-host", endpoint, "120" })
        {
            info.ArgumentList.Add(argument);
        }

        info.UseShellExecute = false;
        info.Environment["LD_LIBRARY_PATH"] = NativeScannerLibrary.FolderFor(bits);
        return CallHost.Launch(info, endpoint, LegacyScannerContract.Instance, HostStart);
    }

    private static Dictionary<string, string> LibraryPath(int bits) => new() { ["LD_LIBRARY_PATH"] = NativeScannerLibrary.FolderFor(bits) };

    /// <summary>A scanner that records its holds: the server side of the killed-client test.</summary>
    private sealed class RecordingScanner : ILegacyScanner
    {
        public TaskCompletionSource<bool> HoldStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> HoldCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ScannerInfo> DescribeAsync(CancellationToken cancellationToken) => new(new ScannerInfo { ProcessId = Environment.ProcessId });

        public ValueTask<CallBytes> ScanAsync(ScanRequest request, CancellationToken cancellationToken) => new(CallBytes.Rent(0));

        public ValueTask<uint> ChecksumAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => new(0u);

        public async ValueTask<bool> HoldAsync(int milliseconds, CancellationToken cancellationToken)
        {
            HoldStarted.TrySetResult(true);
            try
            {
                await Task.Delay(milliseconds, cancellationToken);
                return false;
            }
            catch (OperationCanceledException)
            {
                HoldCancelled.TrySetResult(true);
                throw;
            }
        }

        public ValueTask RenameAsync(string name, CancellationToken cancellationToken) => default;
    }
}
