using System;
using System.Collections.Generic;
using System.Globalization;

namespace RingIpc.Bench;

/// <summary>The round-trip table: percentiles of each transport's sorted round-trip times, in microseconds.</summary>
internal static class LatencyTable
{
    /// <summary>The markdown table; each row's p50 is also given relative to the first row's.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<(string Label, double[] SortedMicroseconds)> rows)
    {
        yield return "| round trip | count | p50 (µs) | p90 | p99 | p99.9 | max | p50 vs first row |";
        yield return "|---|---:|---:|---:|---:|---:|---:|---:|";
        double firstP50 = Percentile(rows[0].SortedMicroseconds, 0.5);
        foreach ((string label, double[] times) in rows)
        {
            double p50 = Percentile(times, 0.5);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {times.Length:N0} | {p50:N2} | {Percentile(times, 0.9):N2} | {Percentile(times, 0.99):N2} | {Percentile(times, 0.999):N2} | {times[^1]:N1} | {firstP50 / p50:N2}x |");
        }
    }

    /// <summary>The value below which the fraction <paramref name="quantile"/> of sorted values lies (nearest rank).</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
