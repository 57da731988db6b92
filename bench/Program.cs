using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;
using RingIpc.Bench.Micro;

namespace RingIpc.Bench;

/// <summary>
/// The cross-process benchmark: for several payload sizes, this process writes and a child process reads, through
/// RingIpc rings and, measured in the same run, through the stream transports a C# user would pick instead (pipes,
/// sockets); then round-trip latency; then RPC (RingIpc calls against StreamJsonRpc and a hand-written call over a
/// named pipe). Prints markdown tables and writes a CSV and charts.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0)
        {
            return args[0] switch
            {
                "ring-consumer" => RingThroughput.Consume(args[1], double.Parse(args[2], CultureInfo.InvariantCulture), double.Parse(args[3], CultureInfo.InvariantCulture)),
                "floor-consumer" => RawFloor.Consume(args[1], int.Parse(args[2], CultureInfo.InvariantCulture),
                    double.Parse(args[3], CultureInfo.InvariantCulture), double.Parse(args[4], CultureInfo.InvariantCulture)),
                "floor-echo" => RawFloor.Echo(args[1], int.Parse(args[2], CultureInfo.InvariantCulture)),
                "pipe-echo" => RoundTripLatency.PipeEcho(int.Parse(args[1], CultureInfo.InvariantCulture)),
                "echo" => RoundTripLatency.Echo(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)),
                "stream-consumer" => StreamThroughput.Consume(Enum.Parse<StreamKind>(args[1]), args[2], int.Parse(args[3], CultureInfo.InvariantCulture),
                    double.Parse(args[4], CultureInfo.InvariantCulture), double.Parse(args[5], CultureInfo.InvariantCulture)),
                "rpc-server" => RpcLatency.Serve(args[1], args[2], args[3]),
                "--quick" when args.Length == 1 => RunAll(quick: true),
                "rpc" when args.Length == 1 || (args.Length == 2 && args[1] == "--quick") => RunRpcOnly(quick: args.Length == 2),
                "micro" => RunMicro(args[1..]),
                "ring" when args.Length == 3 => RunOneRing(Enum.Parse<RingKind>(args[1], ignoreCase: true), int.Parse(args[2], CultureInfo.InvariantCulture)),
                _ => Usage(),
            };
        }

        return RunAll(quick: false);
    }

    private static int RunAll(bool quick)
    {
        Console.WriteLine($"RingIpc cross-process throughput: writer = this process, reader = a child process; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine("Every transport at every payload size, interleaved; each rate is the reader's over a fixed span after a warm-up, every");
        Console.WriteLine("sequence number checked. Ratios to ring spsc of the same size and repetition (median over repetitions).");
        Console.WriteLine();
        int[] sizes = quick ? new[] { 16, 1024 } : new[] { 16, 64, 256, 1024, 4096, 65536 };
        int repetitions = quick ? 1 : 3;
        TimeSpan warmup = TimeSpan.FromSeconds(quick ? 0.1 : 0.25);
        TimeSpan measured = TimeSpan.FromSeconds(quick ? 0.1 : 0.5);
        List<ThroughputSample> samples = ThroughputTable.Measure(sizes, repetitions, warmup, measured);
        foreach (string line in ThroughputTable.Format(samples))
        {
            Console.WriteLine(line);
        }

        string csv = ResultsCsv.Write(samples);
        Console.WriteLine();
        Console.WriteLine($"{samples.Count} measurements ({repetitions} repetition(s), {warmup.TotalSeconds:0.##} s warm-up + {measured.TotalSeconds:0.##} s each); CSV: {csv}");
        Console.WriteLine();
        Console.WriteLine("Round-trip latency (µs): this process sends 8 bytes, a child process echoes them back. With a pause, 1 ms passes");
        Console.WriteLine("between round trips, so a sleeping side must be woken; the pipe (the child's stdin/stdout) pauses the same way.");
        Console.WriteLine("The floor passes a counter through one shared cache line, both sides spinning: what any transport could at best do.");
        int trips = quick ? 200 : 2000;
        int spinning = quick ? 10_000 : 200_000;
        var rows = new (string Label, int Count, Func<int, double[]> Run)[]
        {
            ("pipe, 1 ms pause", trips, RoundTripLatency.RunPipe),
            ("ring default (spin-then-block), 1 ms pause", trips, count => RoundTripLatency.Run("block", count)),
            ("floor: one cache line, spinning", spinning, RawFloor.RoundTrips),
            ("ring busy-spin, back to back", spinning, count => RoundTripLatency.Run("spin", count)),
        };
        List<(string Label, double[] SortedMicroseconds)> latencies = rows.Select(row => (row.Label, row.Run(row.Count))).ToList();
        foreach (string line in LatencyTable.Format(latencies))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
        List<RpcSample> rpc = RunRpc(quick, csv);
        string directory = System.IO.Path.GetDirectoryName(csv)!;
        Console.Error.WriteLine("charts");
        IEnumerable<string> charts = Charts.Throughput(samples, directory).Concat(Charts.Latency(latencies, directory));
        Console.WriteLine();
        Console.WriteLine("Charts: " + string.Join(", ", charts));
        Console.WriteLine("RPC charts: " + string.Join(", ", Charts.Rpc(rpc, directory)));
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
        Print($"ring {kind.ToString().ToLowerInvariant()}", size, RingThroughput.Run(kind, size, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1)));
        return 0;
    }

    private static void Print(string transport, int size, (long Messages, double Seconds) result)
    {
        double rate = result.Messages / result.Seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{transport,-12} {size,9} {result.Messages,11:N0} {rate,14:N0} {rate * size / 1e6,10:N1}"));
    }

    /// <summary>"micro [BenchmarkDotNet arguments]": the single-thread API suite and the in-process RPC round trips
/// (<c>--filter '*Rpc*'</c>); with no arguments, every benchmark.</summary>
    private static int RunMicro(string[] benchmarkArgs)
    {
        var summaries = BenchmarkSwitcher.FromTypes(new[] { typeof(RingMicroBenchmarks), typeof(RpcMicroBenchmarks) })
            .Run(benchmarkArgs.Length == 0 ? new[] { "--filter", "*" } : benchmarkArgs);
        return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: RingIpc.Bench [--quick | rpc [--quick] | ring spsc|mpsc <message size> | micro [BenchmarkDotNet arguments]]");
        return 2;
    }
}
