using System;

namespace RingIpc.Tests;

/// <summary>The long test run: <c>RINGIPC_LONG_TESTS=1</c> gives the fuzz, chaos and soak tests their full counts
/// (README "Tests"); CI runs smaller ones.</summary>
internal static class LongTests
{
    public static bool Enabled => Environment.GetEnvironmentVariable("RINGIPC_LONG_TESTS") == "1";

    /// <summary><paramref name="full"/> in the long run, else <paramref name="ci"/>.</summary>
    public static int Count(int full, int ci) => Enabled ? full : ci;
}
