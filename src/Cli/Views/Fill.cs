using System;

namespace RingIpc.Cli.Views;

/// <summary>How full a ring is, as <c>ls</c> and <c>stat</c> show it.</summary>
internal static class Fill
{
    /// <summary>The share of the capacity in use, in percent, to one decimal.</summary>
    public static double Percent(long usedBytes, int capacity) => Math.Round(100.0 * usedBytes / capacity, 1);
}
