using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>Windows: a process's creation time and whether it has exited, through a process handle (never a
/// bare pid, which Windows reuses).</summary>
internal static class WindowsProcesses
{
    private const int QueryLimitedInformation = 0x1000;
    private const int StillActive = 259;
    private const int ErrorInvalidParameter = 87;

    /// <summary>What a look at a process found.</summary>
    public enum State
    {
        /// <summary>It runs; its creation time was read.</summary>
        Running,

        /// <summary>No such process, or it has exited.</summary>
        Gone,

        /// <summary>It exists but cannot be inspected (access denied).</summary>
        Unknown,
    }

    /// <summary>The creation time (FILETIME) of process <paramref name="processId"/>, or 0 if it cannot be read.</summary>
    public static long CreationTime(int processId) => Inspect(processId, out long created) == State.Running ? created : 0;

    /// <summary>Opens process <paramref name="processId"/> and reads its creation time and exit state.</summary>
    public static State Inspect(int processId, out long creationTime)
    {
        creationTime = 0;
        IntPtr handle = OpenProcess(QueryLimitedInformation, false, processId);
        if (handle == IntPtr.Zero)
        {
            return Marshal.GetLastWin32Error() == ErrorInvalidParameter ? State.Gone : State.Unknown;
        }

        try
        {
            if (!GetExitCodeProcess(handle, out int exitCode) || !GetProcessTimes(handle, out creationTime, out _, out _, out _))
            {
                return State.Unknown;
            }

            return exitCode == StillActive ? State.Running : State.Gone;
        }
        finally
        {
            CloseHandle(handle);
        }
    }

    [DllImport("kernel32", SetLastError = true)]
    private static extern IntPtr OpenProcess(int access, bool inheritHandle, int processId);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool GetExitCodeProcess(IntPtr process, out int exitCode);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool GetProcessTimes(IntPtr process, out long creation, out long exit, out long kernel, out long user);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool CloseHandle(IntPtr handle);
}
