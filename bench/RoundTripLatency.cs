using System;
using System.Collections.Generic;

namespace RingIpc.Bench;

/// <summary>
/// The round-trip section: the floor (one shared cache line), the floor with one line per direction, and RingIpc
/// busy-spin at the first size in alternating blocks (<see cref="InterleavedRoundTrips"/>), then for each payload size RingIpc busy-spin (the other sizes) and default
/// back to back, the anonymous pipe and the Unix socket back to back, and the default strategy, the pipe and the socket
/// with a 1 ms pause before each round trip (so that the peer is asleep and must be woken).
/// </summary>
internal static class RoundTripLatency
{
    /// <summary>Measures every row of <paramref name="plan"/>, reporting progress on standard error.</summary>
    public static List<LatencyRow> Measure(LatencyPlan plan)
    {
        var rows = new List<LatencyRow>();
        void Run(string transport, string strategy, bool paused, int payloadBytes, int count, Func<IRoundTrip> connect)
        {
            Console.Error.WriteLine($"round trips: {transport}, {payloadBytes} B, {(paused ? "1 ms pause" : "back to back")}");
            using IRoundTrip trip = connect();
            rows.Add(new LatencyRow(transport, strategy, paused, payloadBytes, RoundTrips.Measure(trip, plan.Warmup, count, paused)));
        }

        // The floors and the ring's busy-spin row at the first size, the pair the target compares, in alternating blocks.
        Console.Error.WriteLine($"round trips: {FloorLabel}, {TwoLineFloorLabel} and {BusySpinLabel}, {plan.Sizes[0]} B, interleaved");
        using (IRoundTrip floor = new FloorRoundTrip(plan.Warmup, twoLines: false))
        using (IRoundTrip twoLineFloor = new FloorRoundTrip(plan.Warmup, twoLines: true))
        using (IRoundTrip ring = new RingRoundTrip(true, plan.Sizes[0], plan.Warmup))
        {
            double[][] times = InterleavedRoundTrips.Measure(new[] { floor, twoLineFloor, ring }, plan.Warmup, plan.SpinningTrips);
            rows.Add(new LatencyRow(FloorLabel, "busy-spin", false, 8, times[0]));
            rows.Add(new LatencyRow(TwoLineFloorLabel, "busy-spin", false, 8, times[1]));
            rows.Add(new LatencyRow(BusySpinLabel, "busy-spin", false, plan.Sizes[0], times[2]));
        }

        foreach (int size in plan.Sizes)
        {
            if (size != plan.Sizes[0])
            {
                Run(BusySpinLabel, "busy-spin", false, size, plan.SpinningTrips, () => new RingRoundTrip(true, size, plan.Warmup));
            }

            Run(DefaultLabel, "spin-then-block", false, size, plan.SpinningTrips, () => new RingRoundTrip(false, size, plan.Warmup));
            Run(PipeLabel, "blocking", false, size, plan.StreamTrips, () => new StreamRoundTrip(StreamKind.AnonymousPipe, size, plan.Warmup));
            Run(SocketLabel, "blocking", false, size, plan.StreamTrips, () => new StreamRoundTrip(StreamKind.UnixSocket, size, plan.Warmup));
            Run(DefaultLabel, "spin-then-block", true, size, plan.PausedTrips, () => new RingRoundTrip(false, size, plan.Warmup));
            Run(PipeLabel, "blocking", true, size, plan.PausedTrips, () => new StreamRoundTrip(StreamKind.AnonymousPipe, size, plan.Warmup));
            Run(SocketLabel, "blocking", true, size, plan.PausedTrips, () => new StreamRoundTrip(StreamKind.UnixSocket, size, plan.Warmup));
        }

        return rows;
    }

    /// <summary>The floor row's transport.</summary>
    public const string FloorLabel = "floor: one cache line";

    /// <summary>The floor of a design with one channel per direction (a request line and an answer line).</summary>
    public const string TwoLineFloorLabel = "floor: two cache lines, one per direction";

    /// <summary>RingIpc busy-spinning.</summary>
    public const string BusySpinLabel = "ring busy-spin";

    /// <summary>RingIpc with the default strategy.</summary>
    public const string DefaultLabel = "ring default (spin-then-block)";

    /// <summary>The anonymous pipe (the child's stdin and stdout).</summary>
    public const string PipeLabel = "anon pipe";

    /// <summary>The Unix domain socket.</summary>
    public const string SocketLabel = "unix socket";
}
