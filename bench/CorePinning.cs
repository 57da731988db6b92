using System;
using System.Runtime.InteropServices;

namespace RingIpc.Bench;

/// <summary>
/// Pins the two measuring threads of a cross-process row to different cores, where there are two: the main process's
/// thread to the first core this process may run on, the child's to the second. Linux only (<c>sched_setaffinity</c>
/// on the calling thread); elsewhere, or with one core, nothing is pinned and <see cref="Describe"/> says so.
/// </summary>
/// <remarks>
/// The main process pins only after it has started the child and unpins before it starts the next: a child started
/// from a pinned thread inherits the mask for all its threads, and its JIT then runs on the spinning core (measured:
/// per-message costs 3–4× too high). Threads created by a pinned thread inherit its mask the same way, so a child pins
/// its measuring thread once its warm-up is over (the JIT's tiering work is then done, on whatever core it ran on),
/// and the main process pins only around a measuring loop that starts no thread.
/// </remarks>
internal static class CorePinning
{
    private static readonly int[] Cores = AllowedCores();

    /// <summary>True when two measuring threads are pinned to two different cores.</summary>
    public static bool Enabled => Cores.Length >= 2;

    /// <summary>One line for the report: which cores, or why nothing is pinned.</summary>
    public static string Describe() => Enabled
        ? $"measuring threads pinned: this process's to core {Cores[0]}, the child's to core {Cores[1]} (unpinned while a child starts)"
        : OperatingSystem.IsLinux() ? "not pinned (fewer than 2 cores)" : "not pinned (pinning is implemented for Linux only)";

    /// <summary>Pins the calling thread of the main process until the returned scope is disposed.</summary>
    public static Scope PinMain() => Pin(0);

    /// <summary>Pins the calling thread of a child for the rest of its life.</summary>
    public static void PinChild() => Pin(1);

    private static Scope Pin(int index)
    {
        if (!Enabled)
        {
            return default;
        }

        SetCurrentThread(new[] { Cores[index] });
        return new Scope(true);
    }

    /// <summary>Restores the calling thread to every core the process may use.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _pinned;

        public Scope(bool pinned) => _pinned = pinned;

        public void Dispose()
        {
            if (_pinned)
            {
                SetCurrentThread(Cores);
            }
        }
    }

    private static int[] AllowedCores()
    {
        if (!OperatingSystem.IsLinux())
        {
            return Array.Empty<int>();
        }

        var mask = new ulong[16];
        if (sched_getaffinity(0, (nint)(mask.Length * sizeof(ulong)), mask) != 0)
        {
            return Array.Empty<int>();
        }

        var cores = new System.Collections.Generic.List<int>();
        for (int core = 0; core < mask.Length * 64; core++)
        {
            if ((mask[core / 64] & (1UL << (core % 64))) != 0)
            {
                cores.Add(core);
            }
        }

        return cores.ToArray();
    }

    private static void SetCurrentThread(int[] cores)
    {
        var mask = new ulong[16];
        foreach (int core in cores)
        {
            mask[core / 64] |= 1UL << (core % 64);
        }

        // pid 0: the calling thread (Linux affinity is per thread).
        if (sched_setaffinity(0, (nint)(mask.Length * sizeof(ulong)), mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ulong[] mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_getaffinity(int pid, nint cpusetsize, ulong[] mask);
}
