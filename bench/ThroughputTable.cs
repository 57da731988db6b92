using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace RingIpc.Bench;

/// <summary>One throughput measurement of one transport at one payload size.</summary>
internal sealed record ThroughputSample(string Transport, int PayloadBytes, int Repetition, double MessagesPerSecond)
{
    /// <summary>Payload bandwidth in GB/s (10^9 bytes).</summary>
    public double GigabytesPerSecond => MessagesPerSecond * PayloadBytes / 1e9;
}

/// <summary>
/// The throughput comparison: every transport at every payload size, interleaved (A B C … A B C …, one repetition after
/// another) so that a change of the machine's state between rows hits all transports alike, and every ratio is taken
/// against RingIpc SPSC of the same size in the same repetition.
/// </summary>
internal static class ThroughputTable
{
    /// <summary>The transport every ratio is taken against.</summary>
    public const string Reference = "ring spsc";

    /// <summary>Every row of the harness, in the order they run within a repetition.</summary>
    public static IReadOnlyList<(string Transport, Func<int[], RowTiming, (long Messages, double Seconds)[]> Run)> Rows()
    {
        var rows = new List<(string, Func<int[], RowTiming, (long Messages, double Seconds)[]>)>();
        foreach (RingRow ring in new[]
        {
            new RingRow(RingKind.Spsc), new RingRow(RingKind.Spsc, ZeroCopy: true), new RingRow(RingKind.Spsc, Batched: true), new RingRow(RingKind.Mpsc),
            new RingRow(RingKind.Mpsc, ZeroCopy: true), new RingRow(RingKind.Mpsc, Producers: 2),
        })
        {
            rows.Add((ring.Label, (sizes, timing) => RingThroughput.Run(ring, sizes, timing)));
        }

        rows.Add(("floor ring", RawFloor.Run));
        rows.Add(("memcpy", MemcpyCeiling.Run));
        foreach (StreamKind kind in Enum.GetValues<StreamKind>())
        {
            foreach (bool buffered in new[] { false, true })
            {
                rows.Add((StreamTransport.Label(kind, buffered), (sizes, timing) => StreamThroughput.Run(kind, buffered, sizes, timing)));
            }
        }

        return rows;
    }

    /// <summary>Runs the rows whose transport <paramref name="include"/> accepts <paramref name="repetitions"/> times,
    /// interleaved; each row measures every size in one pair of processes. Progress goes to standard error.</summary>
    public static List<ThroughputSample> Measure(int[] sizes, int repetitions, RowTiming timing, Func<string, bool> include)
    {
        var rows = Rows().Where(row => include(row.Transport)).ToList();
        if (!rows.Any(row => row.Transport == Reference))
        {
            throw new ArgumentException($"the throughput rows must include {Reference}, the reference of every ratio");
        }

        var samples = new List<ThroughputSample>();
        for (int repetition = 1; repetition <= repetitions; repetition++)
        {
            Console.Error.WriteLine($"throughput: repetition {repetition}/{repetitions} ({rows.Count} rows × {sizes.Length} sizes)");
            foreach ((string transport, Func<int[], RowTiming, (long Messages, double Seconds)[]> run) in rows)
            {
                (long Messages, double Seconds)[] results = run(sizes, timing);
                for (int i = 0; i < sizes.Length; i++)
                {
                    samples.Add(new ThroughputSample(transport, sizes[i], repetition, results[i].Messages / results[i].Seconds));
                }
            }
        }

        return samples;
    }

    /// <summary>The markdown table: per transport and size the median rate, its range, and the median of the
    /// same-repetition ratios to <see cref="Reference"/>.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<ThroughputSample> samples)
    {
        yield return "| transport | payload (B) | msg/s (median) | min–max msg/s | GB/s | vs ring spsc |";
        yield return "|---|---:|---:|---:|---:|---:|";
        foreach (var group in samples.GroupBy(s => (s.PayloadBytes, s.Transport)).OrderBy(g => g.Key.PayloadBytes))
        {
            double[] rates = group.Select(s => s.MessagesPerSecond).ToArray();
            double[] ratios = group.Select(s => s.MessagesPerSecond / ReferenceRate(samples, s)).ToArray();
            double median = Median(rates);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Transport} | {group.Key.PayloadBytes} | {median:N0} | {rates.Min():N0}–{rates.Max():N0} | {median * group.Key.PayloadBytes / 1e9:N3} | {Median(ratios):N2}x |");
        }
    }

    /// <summary>The rate of <see cref="Reference"/> in the sample's repetition at its size.</summary>
    public static double ReferenceRate(IReadOnlyList<ThroughputSample> samples, ThroughputSample sample) =>
        samples.First(s => s.Transport == Reference && s.PayloadBytes == sample.PayloadBytes && s.Repetition == sample.Repetition).MessagesPerSecond;

    /// <summary>The median of some values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
