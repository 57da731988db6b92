using System;
using System.IO;
using Xunit;

namespace RingIpc.Tests.Bench;

/// <summary>The main job's harness runs end to end: every transport and size, every message checked by the consumer
/// (the harness exits non-zero on a lost, duplicated or reordered message). No timing is asserted.</summary>
[Collection(nameof(ProcessHeavy))]
public class BenchSmokeTests
{
    [Fact]
    public void The_quick_benchmark_runs_every_transport_and_loses_nothing()
    {
        using var bench = PeerProcess.StartProgram("RingIpc.Bench.dll", "--quick");
        string output = bench.WaitForSuccess(TimeSpan.FromMinutes(3));
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries);
        string[] transports =
        {
            "ring spsc", "ring spsc zero-copy", "ring mpsc", "ring mpsc zero-copy", "ring mpsc 2 procs", "floor ring", "memcpy", "anon pipe", "anon pipe +buf", "named pipe", "named pipe +buf", "unix socket", "unix socket +buf", "tcp", "tcp +buf",
        };
        foreach (string transport in transports)
        {
            foreach (int size in new[] { 16, 1024 })
            {
                Assert.Contains(lines, line => line.StartsWith($"| {transport} | {size} | ", StringComparison.Ordinal));
            }
        }

        Assert.Contains("CSV: ", output, StringComparison.Ordinal);

        // The charts carry their text (a fresh machine has no fonts: the bench ships its own).
        string charts = Assert.Single(lines, line => line.StartsWith("Charts: ", StringComparison.Ordinal));
        string[] paths = charts.Substring("Charts: ".Length).Split(", ");
        Assert.Equal(4, paths.Length);
        Assert.All(paths, path => Assert.True(new FileInfo(path).Length > 1000, $"chart {path} missing or empty"));
        string throughput = File.ReadAllText(Assert.Single(paths, path => path.EndsWith("throughput.svg", StringComparison.Ordinal)));
        string latency = File.ReadAllText(Assert.Single(paths, path => path.EndsWith("latency.svg", StringComparison.Ordinal)));
        foreach (string label in new[] { "payload (bytes)", "messages per second", "ring spsc", "font-family=\"DejaVu Sans\"" })
        {
            Assert.Contains(label, throughput, StringComparison.Ordinal);
        }

        foreach (string label in new[] { "percentile", "p99.9", "ring busy-spin, back to back, 16 B", "font-family=\"DejaVu Sans\"" })
        {
            Assert.Contains(label, latency, StringComparison.Ordinal);
        }

        // Every round-trip row ran at both sizes, and each floor once.
        Assert.Contains(lines, line => line.StartsWith("| floor: one cache line, back to back | 8 | ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("| floor: two cache lines, one per direction, back to back | 8 | ", StringComparison.Ordinal));
        string[] roundTrips =
        {
            "ring busy-spin, back to back", "ring default (spin-then-block), back to back", "anon pipe, back to back", "unix socket, back to back",
            "ring default (spin-then-block), 1 ms pause", "anon pipe, 1 ms pause", "unix socket, 1 ms pause",
        };
        foreach (string row in roundTrips)
        {
            foreach (int size in new[] { 16, 256 })
            {
                Assert.Contains(lines, line => line.StartsWith($"| {row} | {size} | ", StringComparison.Ordinal));
            }
        }

        // The targets are computed from the run (every latency target has its rows even in the quick run).
        Assert.Contains(lines, line => line.StartsWith("| busy-spin round trip p50 ≤ 1.15× the floor (16 B) | ", StringComparison.Ordinal) && !line.Contains("not run", StringComparison.Ordinal));

        // The RPC section: every call transport ran back to back, and all but busy-spin with pauses too.
        string[] calls = { "RingIpc, default (spin-then-block)", "RingIpc, busy-spin", "StreamJsonRpc, named pipe", "hand-written, named pipe" };
        foreach (string call in calls)
        {
            Assert.Contains(lines, line => line.StartsWith($"| {call} | back to back | ", StringComparison.Ordinal));
            if (call != "RingIpc, busy-spin")
            {
                Assert.Contains(lines, line => line.StartsWith($"| {call} | 1 ms pause | ", StringComparison.Ordinal));
            }
        }

        string rpcCharts = Assert.Single(lines, line => line.StartsWith("RPC charts: ", StringComparison.Ordinal));
        string[] rpcPaths = rpcCharts.Substring("RPC charts: ".Length).Split(", ");
        Assert.Equal(2, rpcPaths.Length);
        string rpc = File.ReadAllText(Assert.Single(rpcPaths, path => path.EndsWith("rpc.svg", StringComparison.Ordinal)));
        foreach (string label in new[] { "p99.9", "StreamJsonRpc, named pipe, 1 ms pause", "font-family=\"DejaVu Sans\"" })
        {
            Assert.Contains(label, rpc, StringComparison.Ordinal);
        }
    }
}
