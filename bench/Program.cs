using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;
using RingIpc.Bench.Micro;

namespace RingIpc.Bench;

/// <summary>
/// The cross-process benchmark: every transport at every payload size, this process writing and a child process
/// reading — RingIpc rings and, in the same run, the stream transports a C# user would pick instead (pipes, sockets)
/// and two ceilings (a raw floor ring, memcpy); then round-trip latency; then RPC (RingIpc calls against StreamJsonRpc
/// and a hand-written call over a named pipe). Prints markdown tables and the targets, and writes a CSV and charts.
/// </summary>
public static class Program
{
    private static readonly int[] AllSizes = { 16, 64, 256, 1024, 4096, 65536 };

    public static int Main(string[] args)
    {
        if (args.Length > 0 && ChildRole(args) is { } role)
        {
            return role();
        }

        var quick = new Option<bool>("--quick") { Description = "A short smoke run: 1 repetition, 16 and 1024 B, tiny counts (the test suite runs it)." };
        var repetitions = new Option<int?>("--repetitions") { Description = "Rounds over every throughput row (A B C … A B C …); default 5." };
        var sizes = new Option<int[]?>("--sizes") { Description = "Throughput payload sizes in bytes (each at least 16), e.g. --sizes 64 65536.", AllowMultipleArgumentsPerToken = true };
        var transports = new Option<string[]?>("--transports") { Description = "Only the throughput rows whose label contains one of these (ring spsc always runs: the ratios' reference), e.g. --transports mpsc pipe.", AllowMultipleArgumentsPerToken = true };
        var measured = new Option<double?>("--measured") { Description = "Seconds each size is measured for, per row and repetition; default 0.1." };
        var pausedTrips = new Option<int?>("--paused-trips") { Description = "Measured round trips of each row with a 1 ms pause (a sleeping peer); default 2000. Its p99.9 is the 2nd-largest sample at 2000: more trips separate the tails." };
        var sections = new Option<string[]?>("--only") { Description = "Run only these sections: throughput, latency, rpc.", AllowMultipleArgumentsPerToken = true };
        var root = new RootCommand("RingIpc's benchmark: rings against pipes, sockets and the hardware's floor, between two processes.")
        {
            quick, repetitions, sizes, transports, measured, pausedTrips, sections,
        };
        root.SetAction(parse => RunAll(new RunOptions(parse.GetValue(quick), parse.GetValue(repetitions), parse.GetValue(sizes),
            parse.GetValue(transports), parse.GetValue(measured), parse.GetValue(pausedTrips), parse.GetValue(sections))));

        var rpcQuick = new Option<bool>("--quick") { Description = "A short smoke run." };
        var rpc = new Command("rpc", "The RPC section alone; its rows go to bench-results/rpc.csv.") { rpcQuick };
        rpc.SetAction(parse => RunRpcOnly(parse.GetValue(rpcQuick)));
        root.Add(rpc);

        var kind = new Argument<RingKind>("kind") { Description = "spsc or mpsc." };
        var size = new Argument<int>("size") { Description = "The message size in bytes (at least 16)." };
        var ring = new Command("ring", "One ring row, 0.5 s warm-up and 1 s measured (eng/compare-bench.sh compares builds with it).") { kind, size };
        ring.SetAction(parse => RunOneRing(parse.GetValue(kind), parse.GetValue(size)));
        root.Add(ring);

        var benchmarkArgs = new Argument<string[]>("arguments") { Description = "Passed to BenchmarkDotNet, e.g. --filter '*Batch*' --job short.", Arity = ArgumentArity.ZeroOrMore };
        var micro = new Command("micro", "The BenchmarkDotNet suite: single-thread API costs and in-process RPC round trips.") { benchmarkArgs };
        micro.TreatUnmatchedTokensAsErrors = false;
        micro.SetAction(parse => RunMicro(parse.GetValue(benchmarkArgs)!.Concat(parse.UnmatchedTokens).ToArray()));
        root.Add(micro);
        return root.Parse(args).Invoke();
    }

    /// <summary>The roles this program plays as a child of its own run (the first argument names the role).</summary>
    private static Func<int>? ChildRole(string[] args) => args[0] switch
    {
        "ring-consumer" => () => RingThroughput.Consume(args[1], args[2] == "zero-copy", Int(args[3]), SizeSeries.ParseSizes(args[4]), RowTiming.Parse(args[5])),
        "ring-producer" => () => RingThroughput.ProduceInChild(args[1], args[2] == "zero-copy", SizeSeries.ParseSizes(args[3]), Int(args[4])),
        "floor-consumer" => () => RawFloor.Consume(args[1], SizeSeries.ParseSizes(args[2]), RowTiming.Parse(args[3])),
        "stream-consumer" => () => StreamThroughput.Consume(Enum.Parse<StreamKind>(args[1]), args[2], SizeSeries.ParseSizes(args[3]), RowTiming.Parse(args[4])),
        "floor-echo" => () => FloorRoundTrip.Echo(args[1], Seconds(args[2]), args[3] == "2"),
        "echo" => () => RingRoundTrip.Echo(args[1], args[2], args[3] == "spin", Seconds(args[4])),
        "stream-echo" => () => StreamRoundTrip.Echo(Enum.Parse<StreamKind>(args[1]), args[2], Int(args[3]), Seconds(args[4])),
        "rpc-server" => () => RpcLatency.Serve(args[1], args[2], args[3]),
        _ => null,
    };

    /// <summary>The largest payload: a power of two that fits a 4 MiB ring's largest message (an eighth of it, less a header).</summary>
    private const int MaxSize = 256 * 1024;

    /// <summary>A power of two (the floor ring's 4 MiB area holds whole messages of it) from 16 bytes to <see cref="MaxSize"/>.</summary>
    private static bool ValidSize(int size) => size >= SizeSeries.MinimumSize && size <= MaxSize && (size & (size - 1)) == 0;

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));

    /// <summary>The main job's options, with their defaults applied.</summary>
    private sealed record RunOptions(bool Quick, int? RepetitionsGiven, int[]? SizesGiven, string[]? Transports, double? MeasuredGiven,
        int? PausedTripsGiven, string[]? Sections)
    {
        /// <summary>The round-trip section's plan, with <c>--paused-trips</c> applied.</summary>
        public LatencyPlan Latency
        {
            get
            {
                LatencyPlan plan = Quick ? LatencyPlan.Quick : LatencyPlan.Full;
                return PausedTripsGiven is { } trips ? plan with { PausedTrips = trips } : plan;
            }
        }

        public int Repetitions => RepetitionsGiven ?? (Quick ? 1 : 5);

        public int[] Sizes => SizesGiven is { Length: > 0 } given ? given : Quick ? new[] { 16, 1024 } : AllSizes;

        public RowTiming Timing => new(TimeSpan.FromSeconds(Quick ? 0.1 : 0.25), TimeSpan.FromSeconds(Quick ? 0.02 : 0.03),
            TimeSpan.FromSeconds(MeasuredGiven ?? (Quick ? 0.05 : 0.1)));

        public bool Runs(string section) => Sections is not { Length: > 0 } || Sections.Contains(section, StringComparer.OrdinalIgnoreCase);

        public bool IncludesTransport(string label) =>
            label == ThroughputTable.Reference || Transports is not { Length: > 0 } || Transports.Any(part => label.Contains(part, StringComparison.OrdinalIgnoreCase));

        /// <summary>Why these options cannot run, or null.</summary>
        public string? Invalid() =>
            Repetitions < 1 ? "--repetitions must be at least 1"
            : Sizes.Distinct().Count() != Sizes.Length ? "every size may be given once"
            : Sizes.Any(size => !ValidSize(size)) ? $"every size must be a power of two from {SizeSeries.MinimumSize} bytes to {MaxSize / 1024} KiB"
            : MeasuredGiven is <= 0 or > 60 ? "--measured must be more than 0 and at most 60 seconds"
            : PausedTripsGiven is < 100 or > 1_000_000 ? "--paused-trips must be from 100 to 1,000,000"
            : Sections?.FirstOrDefault(section => !new[] { "throughput", "latency", "rpc" }.Contains(section, StringComparer.OrdinalIgnoreCase)) is { } unknown
                ? $"unknown section '{unknown}' (throughput, latency, rpc)"
                : null;
    }

    private static int RunAll(RunOptions options)
    {
        if (options.Invalid() is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"RingIpc cross-process benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"Method: {CorePinning.Describe()}; spinning waits poll with one CPU pause between polls.");
        Console.WriteLine(QuietMachine.WaitAndDescribe(TimeSpan.FromSeconds(options.Quick ? 1 : 30)));
        Console.WriteLine();
        List<ThroughputSample> samples = new();
        List<LatencyRow> latencies = new();
        List<RpcSample> rpc = new();
        string csv = ResultsCsv.Write(samples);
        if (options.Runs("throughput"))
        {
            RowTiming timing = options.Timing;
            Console.WriteLine("Throughput: this process writes, a child process reads (copies each payload out and checks its sequence number;");
            Console.WriteLine("a zero-copy writer fills a claim in place instead of copying a message in). Each row measures every size in one pair of processes:");
            Console.WriteLine($"{timing.FirstWarmup.TotalSeconds:0.##} s warm-up before the first size, {timing.Warmup.TotalSeconds:0.##} s before each other, then {timing.Measured.TotalSeconds:0.##} s measured by the reader.");
            Console.WriteLine($"Rows interleaved, {options.Repetitions} repetition(s); median, range, and the median of the same-repetition ratios to ring spsc.");
            Console.WriteLine();
            samples = ThroughputTable.Measure(options.Sizes, options.Repetitions, timing, options.IncludesTransport);
            foreach (string line in ThroughputTable.Format(samples))
            {
                Console.WriteLine(line);
            }

            csv = ResultsCsv.Write(samples);
            Console.WriteLine();
            Console.WriteLine($"{samples.Count} measurements; CSV: {csv}");
            Console.WriteLine();
        }

        if (options.Runs("latency"))
        {
            LatencyPlan plan = options.Latency;
            Console.WriteLine("Round-trip latency (µs): this process sends a message, a child process echoes it back, every echo checked. Warm-up");
            Console.WriteLine($"{plan.Warmup.TotalSeconds:0.##} s back to back, then measured; with a pause, 1 ms passes before each round trip, so a waiting side");
            Console.WriteLine("falls asleep and must be woken. The floor passes a counter through one shared cache line, both sides spinning.");
            latencies = RoundTripLatency.Measure(plan);
            foreach (string line in LatencyTable.Format(latencies))
            {
                Console.WriteLine(line);
            }

            ResultsCsv.Append(csv, latencies);
            Console.WriteLine();
        }

        if (options.Runs("rpc"))
        {
            rpc = RunRpc(options.Quick, csv);
            Console.WriteLine();
        }

        if (samples.Count > 0 || latencies.Count > 0)
        {
            foreach (string line in TargetsTable.Format(samples, latencies))
            {
                Console.WriteLine(line);
            }

            Console.WriteLine();
        }

        string directory = System.IO.Path.GetDirectoryName(csv)!;
        Console.Error.WriteLine("charts");
        var charts = new List<string>();
        if (samples.Count > 0)
        {
            charts.AddRange(Charts.Throughput(samples, directory));
        }

        if (latencies.Count > 0)
        {
            charts.AddRange(Charts.Latency(latencies, directory));
        }

        Console.WriteLine("Charts: " + string.Join(", ", charts));
        if (rpc.Count > 0)
        {
            Console.WriteLine("RPC charts: " + string.Join(", ", Charts.Rpc(rpc, directory)));
        }

        Console.WriteLine($"Ran for {started.Elapsed.TotalSeconds:N0} s.");
        return 0;
    }

    /// <summary>"rpc [--quick]": the RPC section alone; its rows go to <c>bench-results/rpc.csv</c>.</summary>
    private static int RunRpcOnly(bool quick)
    {
        string csv = ResultsCsv.Write(Array.Empty<ThroughputSample>(), "rpc.csv");
        List<RpcSample> rpc = RunRpc(quick, csv);
        Console.WriteLine();
        Console.WriteLine("RPC charts: " + string.Join(", ", Charts.Rpc(rpc, System.IO.Path.GetDirectoryName(csv)!)));
        return 0;
    }

    /// <summary>The RPC section: measures, prints the table and appends the rows to <paramref name="csv"/>.</summary>
    private static List<RpcSample> RunRpc(bool quick, string csv)
    {
        RpcPlan plan = quick ? RpcPlan.Quick : RpcPlan.Full;
        Console.WriteLine($"RPC round trip (µs): this process calls a server in a child process with a {RpcLatency.RequestBytes} B struct request and gets a");
        Console.WriteLine("24 B struct reply; every reply checked. RingIpc: CallServer/CallClient through the generated proxy and dispatcher. StreamJsonRpc:");
        Console.WriteLine("JsonRpc.Attach with its defaults over a named pipe, a POCO with the same fields. Hand-written: a length-prefixed binary frame");
        Console.WriteLine("each way over the same kind of pipe, blocking reads, no serializer. One call in flight; back to back after a warm-up of");
        Console.WriteLine($"{plan.Warmup.TotalSeconds:0.##} s (at least {plan.WarmupCalls:N0} calls), measured for {plan.Measured.TotalSeconds:0.##} s (calls/s = calls over that span); then {plan.PausedCalls:N0} calls 1 ms apart,");
        Console.WriteLine($"so a sleeping server must be woken. Transports interleaved, {plan.Repetitions} repetition(s): medians, the p50's range, and the medians of");
        Console.WriteLine("the same-repetition ratios to RingIpc default (p50 vs RingIpc 10x = ten times RingIpc's p50; calls/s vs RingIpc 0.1x = a tenth).");
        List<RpcSample> samples = RpcLatency.Measure(plan);
        foreach (string line in RpcLatency.Format(samples))
        {
            Console.WriteLine(line);
        }

        ResultsCsv.Append(csv, samples);
        Console.WriteLine();
        Console.WriteLine($"RPC rows (patterns rpc, rpc-paused) in {csv}");
        return samples;
    }

    /// <summary>"ring spsc|mpsc &lt;size&gt;": one ring row (for comparing builds row by row: eng/compare-bench.sh).</summary>
    private static int RunOneRing(RingKind kind, int size)
    {
        if (!ValidSize(size))
        {
            Console.Error.WriteLine($"the size must be a power of two from {SizeSeries.MinimumSize} bytes to {MaxSize / 1024} KiB");
            return 2;
        }

        var row = new RingRow(kind);
        (long messages, double seconds) = RingThroughput.Run(row, new[] { size }, new RowTiming(TimeSpan.FromSeconds(0.5), TimeSpan.Zero, TimeSpan.FromSeconds(1)))[0];
        double rate = messages / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Label,-12} {size,9} {messages,11:N0} {rate,14:N0} {rate * size / 1e6,10:N1}"));
        return 0;
    }

    /// <summary>"micro [BenchmarkDotNet arguments]": the single-thread API suite and the in-process RPC round trips
    /// (<c>--filter '*Rpc*'</c>); with no arguments, every benchmark.</summary>
    private static int RunMicro(string[] benchmarkArgs)
    {
        var summaries = BenchmarkSwitcher.FromTypes(new[] { typeof(RingMicroBenchmarks), typeof(RpcMicroBenchmarks) })
            .Run(benchmarkArgs.Length == 0 ? new[] { "--filter", "*" } : benchmarkArgs);
        return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
    }
}
