using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading;
using Xunit;

namespace RingIpc.Tests;

/// <summary>
/// Ground truth for "the waiter really sleeps": the kernel's own view of a thread
/// (<c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/wchan</c> names the futex wait it sleeps in), and the counts of how an
/// endpoint's or a peer's waits ended.
/// </summary>
internal static class KernelWaits
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The calling thread's native id.</summary>
    [DllImport("libc", EntryPoint = "gettid")]
    public static extern int CurrentThreadId();

    /// <summary>Waits until thread <paramref name="tid"/> of process <paramref name="pid"/> sleeps in a futex wait.</summary>
    public static void WaitUntilInFutexWait(int pid, int tid)
    {
        string wchan = $"/proc/{pid}/task/{tid}/wchan";
        var clock = Stopwatch.StartNew();
        string state = "";
        while (!(state = ReadOrEmpty(wchan)).StartsWith("futex", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < Patience, $"thread {tid} of process {pid} never slept in a futex wait (wchan: '{state}')");
            Thread.Sleep(2);
        }
    }

    /// <summary>The native id of this process's async waiter thread ("RingIpc async waiter").</summary>
    public static int AsyncWaiterThreadId()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (ReadOrEmpty(Path.Combine(task, "comm")).StartsWith("RingIpc async", StringComparison.Ordinal))
                {
                    return int.Parse(Path.GetFileName(task));
                }
            }

            Assert.True(clock.Elapsed < Patience, "the async waiter thread never started");
            Thread.Sleep(2);
        }
    }

    /// <summary>The "tid=N" a peer printed before it waits.</summary>
    public static int ThreadIdOf(PeerProcess peer)
    {
        peer.WaitForOutput("tid=", Patience);
        return int.Parse(Regex.Match(peer.Output, @"tid=(\d+)").Groups[1].Value);
    }

    /// <summary>The counts of a peer's "waits: ..." line (see RingIpc.Peer.Strict.Describe), by name.</summary>
    public static long Count(string output, string name, int line = 0)
    {
        MatchCollection lines = Regex.Matches(output, @"waits: [^\n]*");
        Assert.True(lines.Count > line, $"no 'waits:' line {line} in:\n{output}");
        Match count = Regex.Match(lines[line].Value, $@"\b{Regex.Escape(name)}=(-?\d+)");
        Assert.True(count.Success, $"no count '{name}' in: {lines[line].Value}");
        return long.Parse(count.Groups[1].Value);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, e.g. until a spinning waiter has spun a while.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"{what} never happened");
            Thread.Sleep(2);
        }
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>Prerequisites of a test's scenario: missing ones fail the test when <c>CI=true</c>, instead of
/// letting it pass without running its scenario.</summary>
internal static class Prerequisite
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <returns>Whether the scenario can run; outside CI a missing prerequisite skips it quietly.</returns>
    public static bool Holds(bool available, string what)
    {
        Assert.False(!available && IsCi, $"This test cannot run its scenario here, and CI requires it: {what}");
        return available;
    }

    public static bool IsRoot => Environment.UserName == "root";
}

/// <summary>A blocking call run on a thread of its own, whose native id is known, so that a test can wait until
/// the call really sleeps in the kernel before it wakes, cancels, disposes or times it out.</summary>
internal sealed class BlockingCall
{
    private int _threadId;

    private BlockingCall(Func<BlockingCall, System.Threading.Tasks.Task> start)
    {
        Task = start(this);
    }

    /// <summary>The call's outcome.</summary>
    public System.Threading.Tasks.Task Task { get; }

    /// <summary>The native id of the thread that runs the call.</summary>
    public int ThreadId
    {
        get
        {
            KernelWaits.WaitUntil(() => Volatile.Read(ref _threadId) != 0, "the call's start");
            return _threadId;
        }
    }

    public static BlockingCall Start(Action call) =>
        new(self => System.Threading.Tasks.Task.Run(() =>
        {
            Volatile.Write(ref self._threadId, KernelWaits.CurrentThreadId());
            call();
        }));

    public static BlockingCall<T> Start<T>(Func<T> call) => new(call);

    /// <summary>Waits until the call sleeps in a futex wait.</summary>
    public BlockingCall WaitUntilAsleep()
    {
        KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, ThreadId);
        return this;
    }
}

/// <summary>A <see cref="BlockingCall"/> with a result.</summary>
internal sealed class BlockingCall<T>
{
    private int _threadId;

    public BlockingCall(Func<T> call)
    {
        Task = System.Threading.Tasks.Task.Run(() =>
        {
            Volatile.Write(ref _threadId, KernelWaits.CurrentThreadId());
            return call();
        });
    }

    public System.Threading.Tasks.Task<T> Task { get; }

    public int ThreadId
    {
        get
        {
            KernelWaits.WaitUntil(() => Volatile.Read(ref _threadId) != 0, "the call's start");
            return _threadId;
        }
    }

    public BlockingCall<T> WaitUntilAsleep()
    {
        KernelWaits.WaitUntilInFutexWait(Environment.ProcessId, ThreadId);
        return this;
    }
}
