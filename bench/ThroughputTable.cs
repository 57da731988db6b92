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

    /// <summary>Runs every row <paramref name="repetitions"/> times, reporting progress on standard error.</summary>
    public static List<ThroughputSample> Measure(IReadOnlyList<int> sizes, int repetitions, TimeSpan warmup, TimeSpan measured)
    {
        var rows = new List<(string Transport, Func<int, (long Messages, double Seconds)> Run)>
        {
            (Reference, size => RingThroughput.Run(RingKind.Spsc, size, warmup, measured)),
            ("ring mpsc", size => RingThroughput.Run(RingKind.Mpsc, size, warmup, measured)),
            ("floor ring", size => RawFloor.Run(size, warmup, measured)),
            ("memcpy", size => MemcpyCeiling.Run(size, warmup, measured)),
        };
        foreach (StreamKind kind in Enum.GetValues<StreamKind>())
        {
            foreach (bool buffered in new[] { false, true })
            {
                rows.Add((StreamTransport.Label(kind, buffered), size => StreamThroughput.Run(kind, buffered, size, warmup, measured)));
            }
        }

        var samples = new List<ThroughputSample>();
        for (int repetition = 1; repetition <= repetitions; repetition++)
        {
            foreach (int size in sizes)
            {
                Console.Error.WriteLine($"throughput: repetition {repetition}/{repetitions}, {size} B");
                foreach ((string transport, Func<int, (long Messages, double Seconds)> run) in rows)
                {
                    (long messages, double seconds) = run(size);
                    samples.Add(new ThroughputSample(transport, size, repetition, messages / seconds));
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
        foreach (var group in samples.GroupBy(s => (s.PayloadBytes, s.Transport)))
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
