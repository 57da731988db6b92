using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>
/// The benchmark issue's targets, each computed from this run: a throughput ratio is the median of the same-repetition
/// ratios, a latency ratio compares rows of the same run. A target whose rows did not run says so.
/// </summary>
internal static class TargetsTable
{
    /// <summary>The markdown table: target, what this run measured, and whether that meets it.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<ThroughputSample> samples, IReadOnlyList<LatencyRow> latencies)
    {
        yield return "| target | this run | met |";
        yield return "|---|---:|:---:|";
        yield return Row("busy-spin round trip p50 ≤ 1.15× the floor (16 B)", LatencyRatio(latencies, RoundTripLatency.BusySpinLabel, false, 16, RoundTripLatency.FloorLabel, 8, 0.5), ratio => ratio <= 1.15);
        foreach (string ring in new[] { "ring spsc", "ring spsc zero-copy" })
        {
            yield return Row($"{ring} 64 B ≥ 0.9× the floor ring", Ratio(samples, ring, "floor ring", 64), ratio => ratio >= 0.9);
            yield return Row($"{ring} 64 KiB ≥ 0.6× memcpy", Ratio(samples, ring, "memcpy", 65536), ratio => ratio >= 0.6);
        }

        foreach (int size in new[] { 16, 256 })
        {
            foreach ((string name, double quantile) in new[] { ("p50", 0.5), ("p99.9", 0.999) })
            {
                yield return Row($"default strategy, sleeping peer, {size} B: {name} ≤ the pipe's",
                    LatencyRatio(latencies, RoundTripLatency.DefaultLabel, true, size, RoundTripLatency.PipeLabel, size, quantile), ratio => ratio <= 1);
            }
        }

        yield return Row("ring mpsc 2 procs 64 B ≥ ring mpsc (1 producer)", Ratio(samples, "ring mpsc 2 procs", "ring mpsc", 64), ratio => ratio >= 1);
        yield return Row("ring spsc 64 B ≥ 10× the best stream, one Write per message", BestRatio(samples, buffered: false, 64), ratio => ratio >= 10);
        yield return Row("ring spsc 64 B ≥ the best stream through a BufferedStream", BestRatio(samples, buffered: true, 64), ratio => ratio >= 1);
        yield return Row("ring spsc batched 64 B ≥ the best stream through a BufferedStream", BestRatio(samples, buffered: true, 64, BatchedReference), ratio => ratio >= 1);
        yield return "| 0 B allocated per message | `bench -- micro` (BenchmarkDotNet MemoryDiagnoser) | — |";
    }

    private static string Row(string target, double? ratio, Func<double, bool> met) => ratio is double value
        ? string.Create(CultureInfo.InvariantCulture, $"| {target} | {value:N2}x | {(met(value) ? "yes" : "**no**")} |")
        : $"| {target} | not run | — |";

    /// <summary>The median over repetitions of <paramref name="transport"/>'s rate over <paramref name="baseline"/>'s.</summary>
    private static double? Ratio(IReadOnlyList<ThroughputSample> samples, string transport, string baseline, int size)
    {
        double[] ratios = samples.Where(s => s.Transport == transport && s.PayloadBytes == size)
            .Select(s => (s.MessagesPerSecond, Other: samples.FirstOrDefault(o => o.Transport == baseline && o.PayloadBytes == size && o.Repetition == s.Repetition)))
            .Where(pair => pair.Other is not null)
            .Select(pair => pair.MessagesPerSecond / pair.Other!.MessagesPerSecond).ToArray();
        return ratios.Length == 0 ? null : ThroughputTable.Median(ratios);
    }

    /// <summary>The batched ring row, held against the buffered streams: both hand their reader ~64 KiB at a time.</summary>
    private static readonly string BatchedReference = new RingRow(RingKind.Spsc, Batched: true).Label;

    /// <summary><paramref name="transport"/> (ring SPSC unless given) over the fastest stream row of the kind, per
    /// repetition, median.</summary>
    private static double? BestRatio(IReadOnlyList<ThroughputSample> samples, bool buffered, int size, string transport = ThroughputTable.Reference)
    {
        double[] ratios = samples.Where(s => s.Transport == transport && s.PayloadBytes == size)
            .Select(reference => (reference, Best: samples
                .Where(s => s.PayloadBytes == size && s.Repetition == reference.Repetition && IsStream(s.Transport) && s.Transport.EndsWith(" +buf", StringComparison.Ordinal) == buffered)
                .Select(s => s.MessagesPerSecond).DefaultIfEmpty(0).Max()))
            .Where(pair => pair.Best > 0)
            .Select(pair => pair.reference.MessagesPerSecond / pair.Best).ToArray();
        return ratios.Length == 0 ? null : ThroughputTable.Median(ratios);
    }

    private static bool IsStream(string transport) => !transport.StartsWith("ring", StringComparison.Ordinal) && transport is not ("floor ring" or "memcpy");

    private static double? LatencyRatio(IReadOnlyList<LatencyRow> rows, string transport, bool paused, int size, string baseline, int baselineSize, double quantile)
    {
        LatencyRow? row = rows.FirstOrDefault(r => r.Transport == transport && r.Paused == paused && r.PayloadBytes == size);
        LatencyRow? other = rows.FirstOrDefault(r => r.Transport == baseline && r.PayloadBytes == baselineSize && (r.Paused == paused || baseline == RoundTripLatency.FloorLabel));
        return row is null || other is null ? null
            : LatencyTable.Percentile(row.SortedMicroseconds, quantile) / LatencyTable.Percentile(other.SortedMicroseconds, quantile);
    }
}
