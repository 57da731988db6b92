using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// A process as the endpoint registry records it: its pid and its start time, so that a pid reused by a new
/// process is never taken for the one that registered (<see cref="ProcessLiveness"/>).
/// </summary>
/// <remarks>The start time is an opaque token compared for equality only: on Linux the <c>starttime</c> field
/// (22) of <c>/proc/&lt;pid&gt;/stat</c>, in clock ticks since boot; on Windows the creation time as a FILETIME; on
/// macOS the start time from <c>proc_pidinfo</c>, in microseconds. 0 means unknown (unreadable): liveness then rests
/// on the pid alone.</remarks>
internal readonly struct ProcessIdentity : IEquatable<ProcessIdentity>
{
    public ProcessIdentity(int processId, long startTime)
    {
        ProcessId = processId;
        StartTime = startTime;
    }

    /// <summary>This process, read once. On Linux its start time comes from its main thread's
    /// <c>/proc/&lt;pid&gt;/task/&lt;pid&gt;/stat</c> (the same field, the same value): qemu-user, which runs the 32-bit Mono
    /// on kernels without ia32 emulation, answers a process's reads of its own <c>/proc/&lt;pid&gt;/stat</c> with a
    /// made-up text whose start time differs from what every other process reads, so its peers would take it for
    /// a pid reused by another process and judge it dead. Other processes are read from <c>/proc/&lt;pid&gt;/stat</c>:
    /// a main thread that exited before its process would show a zombie state there.</summary>
    public static ProcessIdentity Current { get; } = new(CurrentProcess.Id,
        ProcStat.TryRead($"/proc/{CurrentProcess.Id}/task/{CurrentProcess.Id}/stat", out ProcStat own) ? own.StartTime : StartTimeOf(CurrentProcess.Id));

    public int ProcessId { get; }

    /// <summary>The start-time token, or 0 if unknown.</summary>
    public long StartTime { get; }

    /// <summary>The start-time token of process <paramref name="processId"/>, or 0 if it cannot be read (or the
    /// process does not exist).</summary>
    public static long StartTimeOf(int processId)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return WindowsProcesses.CreationTime(processId);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return MacProcesses.TryRead(processId, out _, out long started) ? started : 0;
        }

        return ProcStat.TryRead(processId, out ProcStat stat) ? stat.StartTime : 0;
    }

    public bool Equals(ProcessIdentity other) => ProcessId == other.ProcessId && StartTime == other.StartTime;

    public override bool Equals(object? obj) => obj is ProcessIdentity other && Equals(other);

    public override int GetHashCode() => ProcessId ^ StartTime.GetHashCode();

    public override string ToString() => StartTime == 0 ? $"pid {ProcessId}" : $"pid {ProcessId} (start {StartTime})";
}

/// <summary>The two fields of Linux's <c>/proc/&lt;pid&gt;/stat</c> that liveness needs.</summary>
internal readonly struct ProcStat
{
    private ProcStat(char state, long startTime)
    {
        State = state;
        StartTime = startTime;
    }

    /// <summary>R, S, D, ...; Z = zombie (exited, not reaped), X = being reaped.</summary>
    public char State { get; }

    /// <summary>Field 22: when the process started, in clock ticks since boot.</summary>
    public long StartTime { get; }

    /// <summary>Reads <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    /// <returns><c>false</c> if there is no such file (no such process, or no <c>/proc</c>) or it cannot be parsed.</returns>
    public static bool TryRead(int processId, out ProcStat stat)
    {
        stat = default;
        return processId > 0 && TryRead($"/proc/{processId}/stat", out stat);
    }

    /// <summary>Reads a file in the format of <c>/proc/&lt;pid&gt;/stat</c> (Linux only).</summary>
    public static bool TryRead(string path, out ProcStat stat)
    {
        stat = default;
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return false;
        }

        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception)
        {
            return false;
        }

        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so the fields follow the last ')'.
        int end = text.LastIndexOf(')');
        if (end < 0 || end + 2 >= text.Length)
        {
            return false;
        }

        string[] fields = text.Substring(end + 2).Split(' ');
        const int startTimeIndex = 22 - 3; // fields[0] is field 3 (state)
        if (fields.Length <= startTimeIndex || fields[0].Length != 1 ||
            !long.TryParse(fields[startTimeIndex], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long startTime))
        {
            return false;
        }

        stat = new ProcStat(fields[0][0], startTime);
        return true;
    }
}
