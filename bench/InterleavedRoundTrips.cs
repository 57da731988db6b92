using System;
using System.Collections.Generic;

namespace RingIpc.Bench;

/// <summary>
/// Two round-trip rows measured in alternating blocks (A B A B …), so that their ratio is taken under the same
/// placement of the vCPUs: on the CI machine a row measured seconds after another can run 4–5× faster or slower
/// because the two vCPUs came to share a physical core. The idle row's echo child is stopped (SIGSTOP) while the other
/// row runs, so that no third process spins on the two cores; each block re-warms with
/// <see cref="RoundTrips.MinimumWarmupTrips"/> unmeasured round trips after its child is continued.
/// </summary>
internal static class InterleavedRoundTrips
{
    /// <summary>How many blocks each row's round trips are split into.</summary>
    public const int Blocks = 10;

    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Measures <paramref name="count"/> round trips of each, in <see cref="Blocks"/> alternating blocks, the
    /// first block of each after <paramref name="warmup"/>. Returns both rows' times in microseconds, sorted.</summary>
    public static (double[] First, double[] Second) Measure(IRoundTrip first, IRoundTrip second, TimeSpan warmup, int count)
    {
        var firstTimes = new List<double>(count);
        var secondTimes = new List<double>(count);
        long firstSequence = 0;
        long secondSequence = 0;
        try
        {
            for (int block = 0; block < Blocks; block++)
            {
                int trips = (count / Blocks) + (block < count % Blocks ? 1 : 0);
                TimeSpan blockWarmup = block == 0 ? warmup : TimeSpan.Zero;
                Signal(second, SigStop);
                Signal(first, SigCont);
                firstTimes.AddRange(RoundTrips.Measure(first, ref firstSequence, blockWarmup, trips, paused: false));
                Signal(first, SigStop);
                Signal(second, SigCont);
                secondTimes.AddRange(RoundTrips.Measure(second, ref secondSequence, blockWarmup, trips, paused: false));
            }
        }
        finally
        {
            Signal(first, SigCont); // both run again, to be ended by their Dispose
            Signal(second, SigCont);
        }

        double[] a = firstTimes.ToArray();
        double[] b = secondTimes.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        return (a, b);
    }

    private static void Signal(IRoundTrip trip, int signal)
    {
        if (LibC.Kill(trip.ChildId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({trip.ChildId}, {signal}) failed: errno {LibC.LastError()}");
        }
    }
}
