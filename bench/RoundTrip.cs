using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>One connection between this process and an echo child, across which <see cref="Trip"/> makes one round trip.
/// Disposing it ends the child and checks that it succeeded.</summary>
internal interface IRoundTrip : IDisposable
{
    /// <summary>Sends message number <paramref name="sequence"/> and waits for its echo; throws if the echo does not
    /// come, or is not that message.</summary>
    void Trip(long sequence);

    /// <summary>The echo child's process id (the interleaved rows stop and continue it).</summary>
    int ChildId { get; }
}

/// <summary>How long the round-trip section warms up and how many round trips it measures.</summary>
/// <param name="Sizes">Payload sizes (the floor passes an 8-byte counter whatever the size).</param>
/// <param name="Warmup">Back-to-back round trips before any are measured (at least <see cref="RoundTrips.MinimumWarmupTrips"/>),
/// so that the JIT has tiered up both processes' code.</param>
/// <param name="SpinningTrips">Measured round trips of the spinning and default rows back to back.</param>
/// <param name="StreamTrips">Measured round trips of a pipe or socket back to back.</param>
/// <param name="PausedTrips">Measured round trips with a 1 ms pause before each (after a twentieth as many unmeasured).</param>
internal sealed record LatencyPlan(int[] Sizes, TimeSpan Warmup, int SpinningTrips, int StreamTrips, int PausedTrips)
{
    public static LatencyPlan Full { get; } = new(new[] { 16, 256 }, TimeSpan.FromSeconds(1), 1_000_000, 100_000, 2_000);

    public static LatencyPlan Quick { get; } = new(new[] { 16, 256 }, TimeSpan.FromSeconds(0.1), 20_000, 2_000, 200);
}

/// <summary>A measured latency row: its round-trip times in microseconds, sorted.</summary>
internal sealed record LatencyRow(string Transport, string Strategy, bool Paused, int PayloadBytes, double[] SortedMicroseconds)
{
    /// <summary>The row's label in the table and the chart.</summary>
    public string Label => $"{Transport}, {(Paused ? "1 ms pause" : "back to back")}";

    /// <summary>The CSV's pattern column.</summary>
    public string Pattern => Paused ? "round-trip-paused" : "round-trip";
}

/// <summary>The round-trip driver: warm up, pin, measure, unpin.</summary>
internal static class RoundTrips
{
    /// <summary>The fewest warm-up round trips, whatever the warm-up time.</summary>
    public const int MinimumWarmupTrips = 1000;

    /// <summary>Warms <paramref name="trip"/> up back to back for <paramref name="warmup"/>, then measures
    /// <paramref name="count"/> round trips with this thread pinned (<see cref="CorePinning"/>), sleeping 1 ms before each
    /// when <paramref name="paused"/> (so that a waiting peer falls asleep and must be woken). Returns the times in
    /// microseconds, sorted.</summary>
    public static double[] Measure(IRoundTrip trip, TimeSpan warmup, int count, bool paused)
    {
        long sequence = 0;
        return Measure(trip, ref sequence, warmup, count, paused);
    }

    /// <summary><see cref="Measure(IRoundTrip, TimeSpan, int, bool)"/>, numbering the round trips from
    /// <paramref name="sequence"/> on (the echo expects them to grow) and leaving it at the next number.</summary>
    public static double[] Measure(IRoundTrip trip, ref long sequence, TimeSpan warmup, int count, bool paused)
    {
        long first = sequence;
        var clock = Stopwatch.StartNew();
        while (sequence - first < MinimumWarmupTrips || clock.Elapsed < warmup)
        {
            trip.Trip(sequence++);
        }

        // A paused row also warms up its own path (the sleep, the wake-up), not only the back-to-back one.
        for (int i = 0; paused && i < Math.Max(10, count / 20); i++)
        {
            Thread.Sleep(1);
            trip.Trip(sequence++);
        }

        var times = new double[count];
        using (CorePinning.PinMain())
        {
            for (int i = 0; i < count; i++)
            {
                if (paused)
                {
                    Thread.Sleep(1);
                }

                long start = Stopwatch.GetTimestamp();
                trip.Trip(sequence++);
                times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }
        }

        Array.Sort(times);
        return times;
    }

    /// <summary>The echo child's clock: pins its thread (<see cref="CorePinning.PinChild"/>) once the warm-up has passed
    /// since the first echo; call <see cref="Tick"/> after every echo.</summary>
    internal sealed class EchoClock
    {
        private readonly TimeSpan _warmup;
        private Stopwatch? _clock;
        private long _echoes;
        private bool _pinned;

        public EchoClock(TimeSpan warmup) => _warmup = warmup;

        public void Tick()
        {
            _clock ??= Stopwatch.StartNew();
            if (!_pinned && (++_echoes & 255) == 0 && _clock.Elapsed >= _warmup)
            {
                CorePinning.PinChild();
                _pinned = true;
            }
        }
    }
}
