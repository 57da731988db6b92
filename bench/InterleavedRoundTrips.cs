using System;
using System.Collections.Generic;

namespace RingIpc.Bench;

/// <summary>
/// Round-trip rows measured in alternating blocks (A B C A B C …), so that their ratios are taken under the same
/// placement of the vCPUs: on the CI machine a row measured seconds after another can run 4–5× faster or slower
/// because the two vCPUs came to share a physical core. The idle rows' echo children are stopped (SIGSTOP) while a
/// row runs, so that no third process spins on the two cores; each block re-warms with
/// <see cref="RoundTrips.MinimumWarmupTrips"/> unmeasured round trips after its child is continued.
/// </summary>
internal static class InterleavedRoundTrips
{
    /// <summary>How many blocks each row's round trips are split into.</summary>
    public const int Blocks = 10;

    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Measures <paramref name="count"/> round trips of each of <paramref name="trips"/>, in
    /// <see cref="Blocks"/> blocks per row taken in turn (A B C A B C …), the first block of each after
    /// <paramref name="warmup"/>. Returns every row's times in microseconds, sorted, in the order given.</summary>
    public static double[][] Measure(IReadOnlyList<IRoundTrip> trips, TimeSpan warmup, int count)
    {
        var times = new List<double>[trips.Count];
        var sequences = new long[trips.Count];
        for (int row = 0; row < trips.Count; row++)
        {
            times[row] = new List<double>(count);
        }

        try
        {
            foreach (IRoundTrip trip in trips)
            {
                Signal(trip, SigStop);
            }

            for (int block = 0; block < Blocks; block++)
            {
                int blockTrips = (count / Blocks) + (block < count % Blocks ? 1 : 0);
                TimeSpan blockWarmup = block == 0 ? warmup : TimeSpan.Zero;
                for (int row = 0; row < trips.Count; row++)
                {
                    Signal(trips[row], SigCont);
                    times[row].AddRange(RoundTrips.Measure(trips[row], ref sequences[row], blockWarmup, blockTrips, paused: false));
                    Signal(trips[row], SigStop);
                }
            }
        }
        finally
        {
            foreach (IRoundTrip trip in trips)
            {
                // All run again, to be ended by their Dispose: best effort, so that the failure that brought us here
                // (a child that died, whose pid is gone) is the one reported, and no other child stays stopped.
                LibC.Kill(trip.ChildId, SigCont);
            }
        }

        var sorted = new double[trips.Count][];
        for (int row = 0; row < trips.Count; row++)
        {
            sorted[row] = times[row].ToArray();
            Array.Sort(sorted[row]);
        }

        return sorted;
    }

    private static void Signal(IRoundTrip trip, int signal)
    {
        if (LibC.Kill(trip.ChildId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({trip.ChildId}, {signal}) failed: errno {LibC.LastError()}");
        }
    }
}
