using System;

namespace RingIpc.Tests.Crash;

/// <summary>Counts and durations of the crash tests: the full ones when <c>RINGIPC_LONG_TESTS=1</c>, else the CI ones.</summary>
internal static class TestCounts
{
    public static bool Long => Environment.GetEnvironmentVariable("RINGIPC_LONG_TESTS") == "1";

    public static int Pick(int ci, int full) => Long ? full : ci;
}
