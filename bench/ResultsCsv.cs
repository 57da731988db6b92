using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>The machine-readable results: one CSV row per transport and payload size (medians over the repetitions), then
/// one per RPC row and pattern.</summary>
internal static class ResultsCsv
{
    private const string Columns = "transport,pattern,strategy,payload_bytes,msgs_per_s,gb_per_s,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,runs,lost";

    /// <summary>Writes <c>bench-results/throughput.csv</c> under the current directory and returns its full path. Every
    /// row ran to completion with its sequence numbers checked (a loss fails the run), so <c>lost</c> is always 0.</summary>
    public static string Write(IReadOnlyList<ThroughputSample> samples, string fileName = "throughput.csv")
    {
        string directory = Path.GetFullPath("bench-results");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        var lines = new List<string> { Columns };
        foreach (var group in samples.GroupBy(s => (s.Transport, s.PayloadBytes)))
        {
            double rate = ThroughputTable.Median(group.Select(s => s.MessagesPerSecond));
            string strategy = group.Key.Transport.StartsWith("ring", StringComparison.Ordinal) ? "busy-poll" : "blocking";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.Transport},throughput,{strategy},{group.Key.PayloadBytes},{rate:F0},{rate * group.Key.PayloadBytes / 1e9:F4},,,,,,{group.Count()},0"));
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Appends the RPC rows to the CSV at <paramref name="path"/>: per row and pattern (<c>rpc</c> back to back,
    /// <c>rpc-paused</c> with 1 ms between calls) the medians over the repetitions; <c>msgs_per_s</c> is calls/s (back to
    /// back only), <c>payload_bytes</c> the request's size. Every reply was checked (a wrong one fails the run).</summary>
    public static void Append(string path, IReadOnlyList<RpcSample> samples)
    {
        var lines = new List<string>();
        foreach (var runs in samples.GroupBy(s => (s.Row, s.Pattern)))
        {
            string rate = runs.Key.Pattern == "rpc" ? ThroughputTable.Median(runs.Select(run => run.CallsPerSecond)).ToString("F0", CultureInfo.InvariantCulture) : "";
            string Ns(double quantile) => (RpcLatency.MedianPercentile(runs, quantile) * 1000).ToString("F0", CultureInfo.InvariantCulture);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{runs.Key.Row.CsvTransport},{runs.Key.Pattern},{runs.Key.Row.Strategy},{RpcLatency.RequestBytes},{rate},,{Ns(0.5)},{Ns(0.9)},{Ns(0.99)},{Ns(0.999)},{Ns(1)},{runs.Count()},0"));
        }

        File.AppendAllLines(path, lines);
    }

    /// <summary>Appends the round-trip rows: pattern <c>round-trip</c> (back to back) or <c>round-trip-paused</c> (1 ms
    /// before each), the percentiles in nanoseconds, one run each. Every echo was checked (a wrong one fails the run).</summary>
    public static void Append(string path, IReadOnlyList<LatencyRow> rows)
    {
        File.AppendAllLines(path, rows.Select(row =>
        {
            string Ns(double quantile) => (LatencyTable.Percentile(row.SortedMicroseconds, quantile) * 1000).ToString("F0", CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture,
                $"{row.Transport},{row.Pattern},{row.Strategy},{row.PayloadBytes},,,{Ns(0.5)},{Ns(0.9)},{Ns(0.99)},{Ns(0.999)},{Ns(1)},1,0");
        }));
    }
}
