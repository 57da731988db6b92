using System;
using System.Linq;

namespace RingIpc.Cli.Views;

/// <summary>Messages and bytes per second written (all producers) and read (the consumer) between two status readings.
/// An endpoint that detached takes its counters with it, so a total that fell counts as no progress, never as negative.</summary>
internal sealed record Rates(double WrittenMessagesPerSecond, double WrittenBytesPerSecond, double ReadMessagesPerSecond, double ReadBytesPerSecond)
{
    public static Rates Between(StatusReport? before, StatusReport now, TimeSpan elapsed)
    {
        if (before is null || elapsed <= TimeSpan.Zero)
        {
            return new Rates(0, 0, 0, 0);
        }

        double seconds = elapsed.TotalSeconds;
        double Rate(Func<StatusReport, long> total) => Math.Max(0, total(now) - total(before)) / seconds;
        return new Rates(
            Math.Round(Rate(s => s.Producers.Sum(p => p.Counters.Messages)), 1),
            Math.Round(Rate(s => s.Producers.Sum(p => p.Counters.Bytes)), 1),
            Math.Round(Rate(s => s.Consumer?.Counters.Messages ?? 0), 1),
            Math.Round(Rate(s => s.Consumer?.Counters.Bytes ?? 0), 1));
    }
}
