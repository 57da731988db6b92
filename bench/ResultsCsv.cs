using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>The machine-readable results: one CSV row per transport and payload size (medians over the repetitions).</summary>
internal static class ResultsCsv
{
    private const string Columns = "transport,pattern,strategy,payload_bytes,msgs_per_s,gb_per_s,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,runs,lost";

    /// <summary>Writes <c>bench-results/throughput.csv</c> under the current directory and returns its full path. Every
    /// row ran to completion with its sequence numbers checked (a loss fails the run), so <c>lost</c> is always 0.</summary>
    public static string Write(IReadOnlyList<ThroughputSample> samples)
    {
        string directory = Path.GetFullPath("bench-results");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "throughput.csv");
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
}
