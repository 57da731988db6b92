using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>The round-trip table: percentiles of each row's sorted round-trip times, in microseconds.</summary>
internal static class LatencyTable
{
    /// <summary>The markdown table; each row's p50 is also given as a multiple of the floor's.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<LatencyRow> rows)
    {
        yield return "| round trip | payload (B) | count | p50 (µs) | p90 | p99 | p99.9 | max | p50 vs floor |";
        yield return "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
        double floor = Percentile(rows.First(row => row.Transport == RoundTripLatency.FloorLabel).SortedMicroseconds, 0.5);
        foreach (LatencyRow row in rows)
        {
            double[] times = row.SortedMicroseconds;
            double p50 = Percentile(times, 0.5);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {row.Label} | {row.PayloadBytes} | {times.Length:N0} | {p50:N2} | {Percentile(times, 0.9):N2} | {Percentile(times, 0.99):N2} | {Percentile(times, 0.999):N2} | {times[^1]:N1} | {p50 / floor:N2}x |");
        }
    }

    /// <summary>The value below which the fraction <paramref name="quantile"/> of sorted values lies (nearest rank).</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
