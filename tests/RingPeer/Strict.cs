using System;
using System.Runtime.InteropServices;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("RingIpc.Tests")]

namespace RingIpc.Peer;

/// <summary>What the signaling tests need from a peer: waits whose lost wake-up is fatal, the native id of the
/// thread that sleeps (so the test can see it in the kernel's futex wait), and how the waits ended.</summary>
internal static class Strict
{
    /// <summary>Far above any test's time limit: a wait that is never woken sleeps until its own deadline.</summary>
    public const int SleepCapMs = 10 * 60 * 1000;

    /// <summary>The strategy with the sleep cap lifted, so that only a wake-up (or the deadline) ends a sleep.</summary>
    public static WaitStrategy Of(WaitStrategy strategy) => strategy.WithSleepCap(SleepCapMs);

    public static WaitStrategy Strategy(string name) => Of(name switch
    {
        "spin" => WaitStrategy.BusySpin,
        "yield" => WaitStrategy.SpinThenYield(),
        "block0" => WaitStrategy.SpinThenBlock(spinCount: 0),
        _ => WaitStrategy.Default,
    });

    /// <summary>Prints the calling thread's native id, for /proc/&lt;pid&gt;/task/&lt;tid&gt;/wchan.</summary>
    public static void PrintThreadId() => Console.WriteLine($"tid={GetTid()}");

    /// <summary>One line the tests parse: "waits: spins=.. yields=.. met=.. woken=.. changed=.. timed-out=.. interrupted=.. polled=..".</summary>
    public static string Describe(WaitCounters counters) => $"waits: {counters} futex-failure={FutexEvent.LastFailure}";

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
