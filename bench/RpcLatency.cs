using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StreamJsonRpc;

namespace RingIpc.Bench;

/// <summary>The RPC transports the benchmark compares.</summary>
internal enum RpcTransport
{
    /// <summary>RingIpc: <see cref="CallServer"/> in the child, <see cref="CallClient"/> with the generated proxy here.</summary>
    RingIpc,

    /// <summary>StreamJsonRpc (<c>JsonRpc.Attach</c>, default formatter) over a <c>System.IO.Pipes</c> named pipe.</summary>
    StreamJsonRpc,

    /// <summary>A hand-written length-prefixed binary call over the same kind of named pipe.</summary>
    HandWrittenPipe,
}

/// <summary>One row of the RPC table: a transport, the label it has in the table and the CSV, and whether it also
/// runs the paused pattern.</summary>
internal sealed record RpcRow(string Label, RpcTransport Transport, string CsvTransport, string Strategy, bool BusySpin, bool Paused);

/// <summary>One run of one row in one pattern ("rpc": back to back; "rpc-paused": 1 ms between calls).</summary>
internal sealed record RpcSample(RpcRow Row, string Pattern, int Repetition, double[] SortedMicroseconds, double CallsPerSecond);

/// <summary>How long the RPC section runs.</summary>
/// <param name="Repetitions">Rounds over every row (A B C … A B C …).</param>
/// <param name="Warmup">Back-to-back calls before anything is measured (and at least <paramref name="WarmupCalls"/>), so both
/// processes run the JIT's final tier.</param>
/// <param name="WarmupCalls">The fewest warm-up calls.</param>
/// <param name="Measured">How long the back-to-back calls are measured.</param>
/// <param name="PausedCalls">How many calls the paused pattern makes, 1 ms apart.</param>
internal sealed record RpcPlan(int Repetitions, TimeSpan Warmup, int WarmupCalls, TimeSpan Measured, int PausedCalls)
{
    /// <summary>The default run's plan (about 30 s in all).</summary>
    public static RpcPlan Full { get; } = new(3, TimeSpan.FromSeconds(1), 2000, TimeSpan.FromSeconds(0.75), 500);

    /// <summary>The smoke run's (<c>--quick</c>: a few seconds).</summary>
    public static RpcPlan Quick { get; } = new(1, TimeSpan.FromSeconds(0.2), 200, TimeSpan.FromSeconds(0.2), 50);
}

/// <summary>
/// RPC round trips: a small struct request and reply (24 bytes each) between this process (the client) and a server
/// in a child process, through RingIpc calls, StreamJsonRpc over a named pipe, and a hand-written call over the same
/// kind of pipe. One call in flight at a time; every reply is checked (<see cref="Quotes.Check(string, long, in QuoteReply)"/>).
/// </summary>
internal static class RpcLatency
{
    /// <summary>The row every ratio is taken against (same pattern, same repetition).</summary>
    public static readonly RpcRow Reference = new("RingIpc, default (spin-then-block)", RpcTransport.RingIpc, "ringipc", "spin-then-block", BusySpin: false, Paused: true);

    /// <summary>Every row, in the order they run in each repetition.</summary>
    public static IReadOnlyList<RpcRow> Rows { get; } = new[]
    {
        Reference,
        new RpcRow("RingIpc, busy-spin", RpcTransport.RingIpc, "ringipc", "busy-spin", BusySpin: true, Paused: false),
        new RpcRow("StreamJsonRpc, named pipe", RpcTransport.StreamJsonRpc, "streamjsonrpc named pipe", "async", BusySpin: false, Paused: true),
        new RpcRow("hand-written, named pipe", RpcTransport.HandWrittenPipe, "hand-written named pipe", "blocking", BusySpin: false, Paused: true),
    };

    /// <summary>The request's size in bytes (the CSV's payload column).</summary>
    public static int RequestBytes => CallWriter.SizeOf<QuoteRequest>();

    /// <summary>The round-trip times of the back-to-back pattern, reused by every run (a run ends early if it fills).</summary>
    private static readonly long[] TripTicks = new long[1 << 21];

    /// <summary>Runs every row <see cref="RpcPlan.Repetitions"/> times, interleaved, reporting progress on standard error.</summary>
    public static List<RpcSample> Measure(RpcPlan plan)
    {
        var samples = new List<RpcSample>();
        for (int repetition = 1; repetition <= plan.Repetitions; repetition++)
        {
            foreach (RpcRow row in Rows)
            {
                Console.Error.WriteLine($"rpc: repetition {repetition}/{plan.Repetitions}, {row.Label}");
                samples.AddRange(RunAsync(row, repetition, plan).GetAwaiter().GetResult());
            }
        }

        return samples;
    }

    private static async Task<List<RpcSample>> RunAsync(RpcRow row, int repetition, RpcPlan plan)
    {
        var samples = new List<RpcSample>();
        using RpcSession session = RpcSession.Start(row);
        IRpcCaller caller = session.Caller;
        long sequence = 0;

        long warmupEnd = Stopwatch.GetTimestamp() + ToTicks(plan.Warmup);
        for (int i = 0; i < plan.WarmupCalls || Stopwatch.GetTimestamp() < warmupEnd; i++)
        {
            await caller.CallAsync(sequence++).ConfigureAwait(false);
        }

        // Back to back: each round trip runs from the end of the previous one, so the times add up to the span and
        // calls/s is the count over it.
        long begin = Stopwatch.GetTimestamp();
        long end = begin + ToTicks(plan.Measured);
        long now = begin;
        int count = 0;
        while (now < end && count < TripTicks.Length)
        {
            long start = now;
            await caller.CallAsync(sequence++).ConfigureAwait(false);
            now = Stopwatch.GetTimestamp();
            TripTicks[count++] = now - start;
        }

        samples.Add(new RpcSample(row, "rpc", repetition, SortedMicroseconds(TripTicks.AsSpan(0, count)), count * (double)Stopwatch.Frequency / (now - begin)));

        if (row.Paused)
        {
            // 1 ms between calls: the server (and this process's reply reader) fall asleep and must be woken.
            var paused = new long[plan.PausedCalls];
            for (int i = 0; i < paused.Length; i++)
            {
                Thread.Sleep(1);
                long start = Stopwatch.GetTimestamp();
                await caller.CallAsync(sequence++).ConfigureAwait(false);
                paused[i] = Stopwatch.GetTimestamp() - start;
            }

            samples.Add(new RpcSample(row, "rpc-paused", repetition, SortedMicroseconds(paused), double.NaN));
        }

        long served = session.Finish();
        if (served != sequence)
        {
            throw new InvalidOperationException($"{row.Label}: the server answered {served} calls; this process made {sequence}.");
        }

        return samples;
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static double[] SortedMicroseconds(ReadOnlySpan<long> ticks)
    {
        var times = new double[ticks.Length];
        for (int i = 0; i < ticks.Length; i++)
        {
            times[i] = ticks[i] * 1e6 / Stopwatch.Frequency;
        }

        Array.Sort(times);
        return times;
    }

    /// <summary>The median over repetitions of one percentile of a row's runs.</summary>
    public static double MedianPercentile(IEnumerable<RpcSample> runs, double quantile) =>
        ThroughputTable.Median(runs.Select(run => LatencyTable.Percentile(run.SortedMicroseconds, quantile)));

    /// <summary>The markdown table: per row and pattern the medians over repetitions (p50 with its range), calls/s
    /// (back to back) with its range, and the medians of the same-repetition ratios to <see cref="Reference"/>.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<RpcSample> samples)
    {
        yield return "| RPC call | pattern | calls/run | p50 (µs) | p50 min–max | p99 | p99.9 | calls/s | calls/s min–max | p50 vs RingIpc | calls/s vs RingIpc |";
        yield return "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        foreach (var group in samples.GroupBy(s => s.Pattern).SelectMany(pattern => pattern.GroupBy(s => s.Row)))
        {
            RpcSample[] runs = group.ToArray();
            string pattern = runs[0].Pattern == "rpc" ? "back to back" : "1 ms pause";
            double[] p50s = runs.Select(run => LatencyTable.Percentile(run.SortedMicroseconds, 0.5)).ToArray();
            double p50Ratio = ThroughputTable.Median(runs.Select(run => LatencyTable.Percentile(run.SortedMicroseconds, 0.5) /
                LatencyTable.Percentile(ReferenceOf(samples, run).SortedMicroseconds, 0.5)));
            string rates = "–", rateRange = "–", rateRatio = "–";
            if (!double.IsNaN(runs[0].CallsPerSecond))
            {
                rates = ThroughputTable.Median(runs.Select(run => run.CallsPerSecond)).ToString("N0", CultureInfo.InvariantCulture);
                rateRange = string.Create(CultureInfo.InvariantCulture, $"{runs.Min(run => run.CallsPerSecond):N0}–{runs.Max(run => run.CallsPerSecond):N0}");
                rateRatio = ThroughputTable.Median(runs.Select(run => run.CallsPerSecond / ReferenceOf(samples, run).CallsPerSecond)).ToString("N3", CultureInfo.InvariantCulture) + "x";
            }

            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Label} | {pattern} | {ThroughputTable.Median(runs.Select(run => (double)run.SortedMicroseconds.Length)):N0} | {ThroughputTable.Median(p50s):N2} | {p50s.Min():N2}–{p50s.Max():N2} | {MedianPercentile(runs, 0.99):N2} | {MedianPercentile(runs, 0.999):N2} | {rates} | {rateRange} | {p50Ratio:N2}x | {rateRatio} |");
        }
    }

    /// <summary>The reference row's run of the same pattern and repetition.</summary>
    private static RpcSample ReferenceOf(IReadOnlyList<RpcSample> samples, RpcSample sample) =>
        samples.First(s => s.Row == Reference && s.Pattern == sample.Pattern && s.Repetition == sample.Repetition);

    /// <summary>The child: serves <paramref name="transport"/> ("ringipc", "streamjsonrpc" or "pipe") at
    /// <paramref name="address"/> (an endpoint or a pipe name) until its standard input closes, then prints
    /// "&lt;calls served&gt; 0".</summary>
    public static int Serve(string transport, string address, string strategy)
    {
        long served;
        switch (transport)
        {
            case "ringipc":
                var service = new QuoteService();
                var options = new CallServerOptions { WaitStrategy = strategy == "spin" ? WaitStrategy.BusySpin : WaitStrategy.Default };
                using (CallServer server = CallServer.Start(address, new QuoteServiceDispatcher(service), options))
                {
                    Console.WriteLine("ready");
                    WaitForEndOfInput();
                }

                served = service.Served;
                break;
            case "streamjsonrpc":
                using (var pipe = AcceptOne(address, asynchronous: true))
                {
                    var target = new QuoteJsonTarget();
                    using (JsonRpc rpc = RpcBaselineServers.AttachJson(pipe, target))
                    {
                        WaitForEndOfInput();
                        rpc.Completion.Wait(TimeSpan.FromSeconds(10)); // the client disconnected before it closed our input
                    }

                    served = target.Served;
                }

                break;
            case "pipe":
                using (var pipe = AcceptOne(address, asynchronous: false))
                {
                    served = RpcBaselineServers.ServePipe(pipe); // until the client closes the pipe
                    WaitForEndOfInput();
                }

                break;
            default:
                Console.Error.WriteLine($"rpc-server: unknown transport '{transport}'");
                return 2;
        }

        Console.WriteLine($"{served} 0");
        return 0;
    }

    /// <summary>Listens on the pipe, says "ready" and waits for the client.</summary>
    private static System.IO.Pipes.NamedPipeServerStream AcceptOne(string address, bool asynchronous)
    {
        var pipe = RpcBaselineServers.Listen(address, asynchronous);
        Console.WriteLine("ready");
        pipe.WaitForConnection();
        return pipe;
    }

    private static void WaitForEndOfInput()
    {
        using Stream input = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (input.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }
}

/// <summary>A server child process and this process's client of it. <see cref="Finish"/> disconnects, lets the child
/// stop and returns how many calls it served; disposing without it kills the child.</summary>
internal sealed class RpcSession : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _child;
    private readonly CallHost? _host;
    private bool _finished;

    private RpcSession(Process child, CallHost? host, IRpcCaller caller)
    {
        _child = child;
        _host = host;
        Caller = caller;
    }

    /// <summary>The client.</summary>
    public IRpcCaller Caller { get; }

    /// <summary>Starts the row's server in a child process and connects to it.</summary>
    public static RpcSession Start(RpcRow row)
    {
        string strategy = row.BusySpin ? "spin" : "default";
        if (row.Transport == RpcTransport.RingIpc)
        {
            // CallHost ties the child's server to this process: if the bench dies, the server stops.
            string endpoint = $"bench-rpc-{Environment.ProcessId}-{Guid.NewGuid():N}";
            CallHost host = CallHost.Launch(ChildProcess.StartInfo(true, "rpc-server", "ringipc", endpoint, strategy), endpoint, QuoteServiceContract.Instance,
                StartTimeout, tieLifetime: true, new CallClientOptions { WaitStrategy = row.BusySpin ? WaitStrategy.BusySpin : WaitStrategy.Default });
            try
            {
                ExpectReady(host.Process);
                return new RpcSession(host.Process, host, new RingRpcCaller(host.Client));
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }

        string pipe = $"ringipc-rpc-{Guid.NewGuid():N}";
        Process child = ChildProcess.Start(true, "rpc-server", row.Transport == RpcTransport.StreamJsonRpc ? "streamjsonrpc" : "pipe", pipe, strategy);
        try
        {
            ExpectReady(child);
            IRpcCaller caller = row.Transport == RpcTransport.StreamJsonRpc ? new JsonRpcCaller(pipe) : new PipeRpcCaller(pipe);
            return new RpcSession(child, null, caller);
        }
        catch
        {
            Kill(child);
            child.Dispose();
            throw;
        }
    }

    /// <summary>Disconnects, closes the child's input (it then stops its server) and returns the child's count of calls served.</summary>
    public long Finish()
    {
        _finished = true;
        Caller.Dispose();
        _child.StandardInput.Close();
        (long served, _) = ChildProcess.ReadResult(_child, TimeSpan.FromMinutes(1));
        return served;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_finished)
        {
            Caller.Dispose();
            Kill(_child);
        }

        if (_host is not null)
        {
            _host.Dispose();
        }
        else
        {
            _child.Dispose();
        }
    }

    private static void ExpectReady(Process child)
    {
        string? line = child.StandardOutput.ReadLine();
        if (line != "ready")
        {
            Kill(child);
            throw new InvalidOperationException($"the RPC server process did not start: '{line}'");
        }
    }

    private static void Kill(Process child)
    {
        try
        {
            child.Kill();
            child.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It has exited.
        }
    }
}
