using System;
using System.Globalization;

namespace RingIpc.Bench;

/// <summary>
/// The clock of a throughput row, which measures every payload size in one pair of processes: the first size gets a
/// longer warm-up (the JIT tiers up both processes' code then; a later size runs the same code), every size the same
/// measured span.
/// </summary>
internal sealed record RowTiming(TimeSpan FirstWarmup, TimeSpan Warmup, TimeSpan Measured)
{
    /// <summary>The timing as one child argument.</summary>
    public string Argument => string.Create(CultureInfo.InvariantCulture, $"{FirstWarmup.TotalSeconds},{Warmup.TotalSeconds},{Measured.TotalSeconds}");

    /// <summary>Parses <see cref="Argument"/>.</summary>
    public static RowTiming Parse(string argument)
    {
        double[] seconds = Array.ConvertAll(argument.Split(','), s => double.Parse(s, CultureInfo.InvariantCulture));
        return new RowTiming(TimeSpan.FromSeconds(seconds[0]), TimeSpan.FromSeconds(seconds[1]), TimeSpan.FromSeconds(seconds[2]));
    }

    /// <summary>The reader's window for the size at <paramref name="phase"/>; a child reader pins its thread when the
    /// first size's warm-up is over (<see cref="CorePinning"/>).</summary>
    public MeasuredWindow Window(int phase, bool inChild = true) =>
        new(phase == 0 ? FirstWarmup.TotalSeconds : Warmup.TotalSeconds, Measured.TotalSeconds, phase == 0 && inChild ? CorePinning.PinChild : null);

    /// <summary>How long one row takes at <paramref name="sizes"/> sizes, child start not counted.</summary>
    public TimeSpan Duration(int sizes) => FirstWarmup + (sizes - 1) * Warmup + sizes * Measured;
}
